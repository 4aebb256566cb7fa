package io.visionstreams.imaging;

/**
 * 8-bit interleaved pixels, row-major, tightly packed; channels==3 means RGB order, channels==1 gray.
 *
 * <p>The pixel array is NOT copied (frames are megabytes and flow through hot paths); treat it as
 * immutable once handed over.
 */
public final class Image {

    private final int width;
    private final int height;
    private final int channels;
    private final byte[] pixels;

    public Image(int width, int height, int channels, byte[] pixels) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (gray) or 3 (RGB), got " + channels);
        }
        if (pixels == null) {
            throw new IllegalArgumentException("pixels must not be null");
        }
        long expected = (long) width * height * channels;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " bytes for " + width + "x" + height
                    + "x" + channels + ", got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.pixels = pixels;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    public byte[] pixels() {
        return pixels;
    }

    @Override
    public String toString() {
        return "Image[" + width + "x" + height + "x" + channels + "]";
    }
}
