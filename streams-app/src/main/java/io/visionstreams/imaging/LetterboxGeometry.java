package io.visionstreams.imaging;

/**
 * Letterbox: scale to fit dst keeping aspect ratio, centre, pad.
 *
 * <p>padX/padY are the whole-pixel offsets at which {@link Preprocess#letterboxToTensor} actually places the
 * resized image, so box mapping matches the tensor exactly (no half-pixel drift on odd padding).
 */
public record LetterboxGeometry(int srcWidth, int srcHeight, int dstWidth, int dstHeight, float scale, float padX,
        float padY) {

    public static LetterboxGeometry compute(int srcWidth, int srcHeight, int dstWidth, int dstHeight) {
        if (srcWidth <= 0 || srcHeight <= 0 || dstWidth <= 0 || dstHeight <= 0) {
            throw new IllegalArgumentException("sizes must be positive: src " + srcWidth + "x" + srcHeight + ", dst "
                    + dstWidth + "x" + dstHeight);
        }
        float scale = Math.min((float) dstWidth / srcWidth, (float) dstHeight / srcHeight);
        int w = scaledWidth(srcWidth, scale, dstWidth);
        int h = scaledWidth(srcHeight, scale, dstHeight);
        return new LetterboxGeometry(srcWidth, srcHeight, dstWidth, dstHeight, scale, (dstWidth - w) / 2,
                (dstHeight - h) / 2);
    }

    private static int scaledWidth(int src, float scale, int dst) {
        // at least one pixel (extreme aspect ratios), never more than the destination
        return Math.max(1, Math.min(dst, Math.round(src * scale)));
    }

    /** Width of the resized image inside the network input. */
    public int resizedWidth() {
        return scaledWidth(srcWidth, scale, dstWidth);
    }

    /** Height of the resized image inside the network input. */
    public int resizedHeight() {
        return scaledWidth(srcHeight, scale, dstHeight);
    }

    /** Maps a box from network-input pixels back to source pixels, clipped to the source frame. Returns {x1,y1,x2,y2}. */
    public float[] toSource(float x1, float y1, float x2, float y2) {
        return new float[] {
            clip((x1 - padX) / scale, srcWidth),
            clip((y1 - padY) / scale, srcHeight),
            clip((x2 - padX) / scale, srcWidth),
            clip((y2 - padY) / scale, srcHeight),
        };
    }

    /** Maps a box from source pixels to network-input pixels (no clipping). Returns {x1,y1,x2,y2}. */
    public float[] toNetwork(float x1, float y1, float x2, float y2) {
        return new float[] {x1 * scale + padX, y1 * scale + padY, x2 * scale + padX, y2 * scale + padY};
    }

    private static float clip(float v, int max) {
        return Math.max(0f, Math.min(max, v));
    }
}
