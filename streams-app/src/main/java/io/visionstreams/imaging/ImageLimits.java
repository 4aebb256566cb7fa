package io.visionstreams.imaging;

/**
 * Upper bounds applied to untrusted encoded frames before any pixel memory is allocated.
 *
 * @param maxBytes  largest accepted encoded (or raw) payload
 * @param maxWidth  largest accepted width in pixels
 * @param maxHeight largest accepted height in pixels
 * @param maxPixels largest accepted width*height
 */
public record ImageLimits(long maxBytes, int maxWidth, int maxHeight, long maxPixels) {

    public ImageLimits {
        if (maxBytes <= 0 || maxWidth <= 0 || maxHeight <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("all limits must be positive: " + maxBytes + ", " + maxWidth
                    + ", " + maxHeight + ", " + maxPixels);
        }
    }

    /** 8 MiB payload, 8192x8192, 40 Mpixel. */
    public static ImageLimits defaults() {
        return new ImageLimits(8L << 20, 8192, 8192, 40_000_000L);
    }

    /** True if a width x height frame is within these limits. */
    boolean allows(long width, long height) {
        return width <= maxWidth && height <= maxHeight && width * height <= maxPixels;
    }
}
