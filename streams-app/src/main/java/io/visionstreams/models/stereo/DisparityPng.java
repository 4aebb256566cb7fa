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

    /** A disparity is usable when finite and positive: 0 is KITTI's "invalid", negatives are our invalid marker. */
    public static boolean valid(float d) {
        return Float.isFinite(d) && d > 0f;
    }

    /** Share of valid pixels. */
    public static float density(float[] disparity) {
        long n = 0;
        for (float d : disparity) {
            if (valid(d)) {
                n++;
            }
        }
        return disparity.length == 0 ? 0f : (float) n / disparity.length;
    }

    /** Disparities → 16-bit values round(d·scale), 0 where invalid; tiny positive disparities stay valid (1). */
    public static short[] toUnsigned16(float[] disparity, double scale) {
        short[] v = new short[disparity.length];
        for (int i = 0; i < v.length; i++) {
            float d = disparity[i];
            v[i] = valid(d) ? (short) Math.min(65535, Math.max(1, Math.round(d * scale))) : 0;
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

    /** True when focal length and baseline are usable for depth. */
    public static boolean canComputeDepth(double focalPx, double baselineM) {
        return Double.isFinite(focalPx) && Double.isFinite(baselineM) && focalPx > 0 && baselineM > 0;
    }

    /**
     * Depth in millimetres, Z = f·B/d, with f in pixels (at the map's resolution) and B in metres; 0 = unknown
     * (invalid disparity, or farther than the 65.535 m a 16-bit millimetre value can hold).
     */
    public static short[] depthMillimetres(float[] disparity, double focalPx, double baselineM) {
        if (!canComputeDepth(focalPx, baselineM)) {
            throw new IllegalArgumentException("focal length (px) and baseline (m) must be > 0, got " + focalPx
                    + " and " + baselineM);
        }
        double fb = 1000.0 * focalPx * baselineM;
        short[] z = new short[disparity.length];
        for (int i = 0; i < z.length; i++) {
            float d = disparity[i];
            if (valid(d)) {
                long mm = Math.round(fb / d);
                z[i] = mm >= 1 && mm <= 65535 ? (short) mm : 0;
            }
        }
        return z;
    }

    public static byte[] encodeDepth(float[] disparity, int width, int height, double focalPx, double baselineM) {
        return ImageCodec.encodePng16(width, height, depthMillimetres(disparity, focalPx, baselineM));
    }

    /** 8-bit gray PNG of a 0..1 confidence map: 255 = most confident, 0 where the disparity is invalid. */
    public static byte[] encodeConfidence(float[] confidence, float[] disparity, int width, int height) {
        byte[] px = new byte[width * height];
        for (int i = 0; i < px.length; i++) {
            float c = confidence[i];
            if (valid(disparity[i]) && Float.isFinite(c)) {
                px[i] = (byte) Math.round(Math.max(0f, Math.min(1f, c)) * 255f);
            }
        }
        return encodeConfidence(px, width, height);
    }

    /** 8-bit gray PNG of a confidence map. */
    public static byte[] encodeConfidence(byte[] confidence, int width, int height) {
        return ImageCodec.encodePng(new Image(width, height, 1, confidence));
    }
}
