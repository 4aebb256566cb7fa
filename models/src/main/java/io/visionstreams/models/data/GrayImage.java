package io.visionstreams.models.data;

/**
 * An 8-bit single-channel image held on the Java heap, row-major, top row first.
 * Kept off-heap-free on purpose: generators share these across batches without native lifetimes to manage.
 */
public record GrayImage(int width, int height, byte[] data) {

    public GrayImage {
        if (width <= 0 || height <= 0 || data.length != width * height) {
            throw new IllegalArgumentException("bad gray image " + width + "x" + height + " with " + data.length + " bytes");
        }
    }

    public int get(int x, int y) {
        return data[y * width + x] & 0xFF;
    }

    /** Pixel values scaled to [0, 1]. */
    public float[] toFloat() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (data[i] & 0xFF) / 255f;
        }
        return f;
    }
}
