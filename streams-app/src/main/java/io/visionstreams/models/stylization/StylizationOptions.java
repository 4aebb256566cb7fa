package io.visionstreams.models.stylization;

import java.util.Locale;

/**
 * Per-deployment stylisation settings.
 *
 * @param maxSide 0 = run at the frame's size; otherwise frames whose longer side exceeds it are
 *                downscaled to it for the network (cost grows with the pixel count) and the result is
 *                upscaled back to the frame's size
 * @param format  encoding of the output image
 * @param quality JPEG quality 1..100 (PNG is lossless and ignores it)
 * @param scale   0 &lt; scale ≤ 1: stylise a copy downscaled by this factor and upscale the result (1 = full
 *                size). Cost falls with the square of it; with {@code maxSide} too, the smaller size wins
 */
public record StylizationOptions(int maxSide, OutputFormat format, int quality, double scale) {

    public enum OutputFormat {
        JPEG, PNG;

        /** From a file name: .png → PNG, .jpg/.jpeg → JPEG. */
        public static OutputFormat ofFileName(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.endsWith(".png")) {
                return PNG;
            }
            if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
                return JPEG;
            }
            throw new IllegalArgumentException("output file must end in .jpg, .jpeg or .png: " + name);
        }
    }

    public StylizationOptions {
        if (maxSide < 0) {
            throw new IllegalArgumentException("max side must be >= 0 (0 = no downscaling), got " + maxSide);
        }
        if (maxSide > 0 && maxSide < 4) {
            throw new IllegalArgumentException("max side must be at least 4 pixels, got " + maxSide);
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be 1..100, got " + quality);
        }
        if (format == null) {
            throw new IllegalArgumentException("output format is required");
        }
        checkScale(scale);
    }

    /** Full size (scale 1). */
    public StylizationOptions(int maxSide, OutputFormat format, int quality) {
        this(maxSide, format, quality, 1.0);
    }

    public StylizationOptions withScale(double s) {
        return new StylizationOptions(maxSide, format, quality, s);
    }

    /** @throws IllegalArgumentException unless 0 &lt; scale ≤ 1 */
    public static double checkScale(double scale) {
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("scale must be in (0, 1] (1 = full size), got " + scale);
        }
        return scale;
    }

    public static StylizationOptions defaults() {
        return new StylizationOptions(0, OutputFormat.JPEG, 90);
    }
}
