package io.visionstreams.models.stereo;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageDecodeException;

/**
 * Disparity, depth and confidence maps as PNG bytes (OpenCV imencode/imdecode), in the KITTI
 * convention: 16-bit gray, value = disparity·scale (scale 256), 0 = no disparity.
 */
public final class DisparityPng {

    public static final double KITTI_SCALE = 256.0;

    private DisparityPng() {
    }

    /** Disparities (negative or non-finite = invalid) → 16-bit values round(d·scale), clamped to 1..65535. */
    public static short[] toUnsigned16(float[] disparity, double scale) {
        short[] v = new short[disparity.length];
        for (int i = 0; i < v.length; i++) {
            float d = disparity[i];
            v[i] = d >= 0 && Float.isFinite(d) ? (short) Math.min(65535, Math.max(1, Math.round(d * scale))) : 0;
        }
        return v;
    }

    /** 16-bit values → disparities, 0 → {@link DisparitySelection#INVALID}. */
    public static float[] fromUnsigned16(short[] values, double scale) {
        float[] d = new float[values.length];
        for (int i = 0; i < d.length; i++) {
            int u = values[i] & 0xFFFF;
            d[i] = u == 0 ? DisparitySelection.INVALID : (float) (u / scale);
        }
        return d;
    }

    public static byte[] encode(float[] disparity, int width, int height, double scale) {
        return ImageCodec.encodePng16(width, height, toUnsigned16(disparity, scale));
    }

    /** A decoded disparity PNG: size and disparities ({@link DisparitySelection#INVALID} where 0). */
    public record Decoded(int width, int height, float[] disparity) {
    }

    public static Decoded decode(byte[] png, double scale) throws ImageDecodeException {
        int[] wh = new int[2];
        short[] v = ImageCodec.decodePng16(png, wh);
        return new Decoded(wh[0], wh[1], fromUnsigned16(v, scale));
    }

    /**
     * Depth in millimetres from disparity: Z = f·B / d with f in pixels (at the map's resolution) and B
     * in metres; 0 where the disparity is invalid or zero, capped at 65535 mm.
     */
    public static short[] depthMillimetres(float[] disparity, double focalPx, double baselineM) {
        if (!(focalPx > 0) || !(baselineM > 0)) {
            throw new IllegalArgumentException("focal length (px) and baseline (m) must be > 0, got " + focalPx
                    + " and " + baselineM);
        }
        short[] z = new short[disparity.length];
        for (int i = 0; i < z.length; i++) {
            float d = disparity[i];
            z[i] = d > 0 ? (short) Math.min(65535, Math.round(1000.0 * focalPx * baselineM / d)) : 0;
        }
        return z;
    }

    public static byte[] encodeDepth(float[] disparity, int width, int height, double focalPx, double baselineM) {
        return ImageCodec.encodePng16(width, height, depthMillimetres(disparity, focalPx, baselineM));
    }

    /** 8-bit gray PNG of a confidence map. */
    public static byte[] encodeConfidence(byte[] confidence, int width, int height) {
        return ImageCodec.encodePng(new Image(width, height, 1, confidence));
    }
}
