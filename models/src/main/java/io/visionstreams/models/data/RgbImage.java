package io.visionstreams.models.data;

/** An 8-bit RGB image on the Java heap, interleaved R,G,B, row-major, top row first. */
public record RgbImage(int width, int height, byte[] data) {

    public RgbImage {
        if (width <= 0 || height <= 0 || data.length != width * height * 3) {
            throw new IllegalArgumentException("bad RGB image " + width + "x" + height + " with " + data.length + " bytes");
        }
    }

    /** Channel c (0 = R, 1 = G, 2 = B) at (x, y). */
    public int get(int x, int y, int c) {
        return data[(y * width + x) * 3 + c] & 0xFF;
    }

    /** ITU-R BT.601 luma, the same weights OpenCV's RGB2GRAY uses. */
    public GrayImage toGray() {
        byte[] g = new byte[width * height];
        for (int i = 0; i < g.length; i++) {
            int r = data[3 * i] & 0xFF, gr = data[3 * i + 1] & 0xFF, b = data[3 * i + 2] & 0xFF;
            g[i] = (byte) Math.min(255, Math.round(0.299f * r + 0.587f * gr + 0.114f * b));
        }
        return new GrayImage(width, height, g);
    }

    /** A copy of the rectangle [x, x+w) × [y, y+h), which must lie inside the image. */
    public RgbImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop outside image");
        }
        byte[] out = new byte[w * h * 3];
        for (int r = 0; r < h; r++) {
            System.arraycopy(data, ((y + r) * width + x) * 3, out, r * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }
}
