package io.visionstreams.topology;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;

/**
 * Disparity, confidence and depth as the PNGs of a {@code DisparityMap}. Plain functions: no Kafka,
 * no model, so the conventions are tested on their own.
 */
public final class DisparityEncoding {

    /** KITTI scale: a 16-bit value is disparity × 256. */
    public static final float KITTI_SCALE = 256f;

    private DisparityEncoding() {
    }

    /** A disparity value is usable when finite and positive (0 means "invalid" in the KITTI PNG). */
    public static boolean valid(float d) {
        return Float.isFinite(d) && d > 0f;
    }

    /** Fraction of valid pixels. */
    public static float density(float[] disparity) {
        if (disparity.length == 0) {
            return 0f;
        }
        long n = 0;
        for (float d : disparity) {
            if (valid(d)) {
                n++;
            }
        }
        return (float) n / disparity.length;
    }

    /** The 16-bit KITTI values: round(d × 256), 0 = invalid; tiny positive disparities stay valid (1). */
    public static short[] kittiValues(float[] disparity) {
        short[] out = new short[disparity.length];
        for (int i = 0; i < disparity.length; i++) {
            float d = disparity[i];
            if (valid(d)) {
                out[i] = (short) Math.max(1, Math.min(65535, Math.round(d * KITTI_SCALE)));
            }
        }
        return out;
    }

    /** Inverse of {@link #kittiValues}: 0 becomes NaN. */
    public static float[] fromKittiValues(short[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            int v = values[i] & 0xFFFF;
            out[i] = v == 0 ? Float.NaN : v / KITTI_SCALE;
        }
        return out;
    }

    public static byte[] disparityPng(int width, int height, float[] disparity) {
        return ImageCodec.encodePng16(width, height, kittiValues(disparity));
    }

    /** 8-bit gray, 255 = most confident; invalid pixels are 0 whatever their confidence. */
    public static byte[] confidencePng(int width, int height, float[] confidence, float[] disparity) {
        byte[] px = new byte[width * height];
        for (int i = 0; i < px.length; i++) {
            float c = confidence[i];
            if (valid(disparity[i]) && Float.isFinite(c)) {
                px[i] = (byte) Math.round(Math.max(0f, Math.min(1f, c)) * 255f);
            }
        }
        return ImageCodec.encodePng(new Image(width, height, 1, px));
    }

    /**
     * Depth in millimetres, Z = f·B/d, as 16-bit values; 0 = unknown (invalid disparity, or farther
     * than the 65.535 m a 16-bit millimetre value can hold).
     */
    public static short[] depthMillimetres(float[] disparity, double focalLengthPx, double baselineM) {
        short[] out = new short[disparity.length];
        double fb = focalLengthPx * baselineM * 1000.0;
        for (int i = 0; i < disparity.length; i++) {
            float d = disparity[i];
            if (valid(d)) {
                long mm = Math.round(fb / d);
                if (mm >= 1 && mm <= 65535) {
                    out[i] = (short) mm;
                }
            }
        }
        return out;
    }

    /** True when focal length and baseline are usable for depth. */
    public static boolean canComputeDepth(double focalLengthPx, double baselineM) {
        return Double.isFinite(focalLengthPx) && Double.isFinite(baselineM) && focalLengthPx > 0 && baselineM > 0;
    }

    public static byte[] depthPng(int width, int height, float[] disparity, double focalLengthPx, double baselineM) {
        return ImageCodec.encodePng16(width, height, depthMillimetres(disparity, focalLengthPx, baselineM));
    }
}
