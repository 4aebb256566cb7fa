package io.visionstreams.models.stereo;

/**
 * A dense cost volume, disparity fastest: {@code data[(y·width + x)·disparities + d]} is the cost of
 * matching left pixel (x, y) with right pixel (x − d, y); lower is better. Disparity-contiguous so that
 * each pixel's cost curve is one run of memory, which is what SGM's recurrence and winner-take-all read.
 *
 * <p>Costs are stored as 16-bit integers, {@link #SCALE} units per cost unit, saturated to
 * [0, {@link #MAX}] (as OpenCV's SGBM does): half the memory traffic of floats in the volume and in the
 * aggregation, and with SGM's penalties also capped at {@link #MAX} every path value stays below
 * 2·MAX, so a sum of 8 paths fits a signed short without overflow checks.
 */
public record CostVolume(int width, int height, int disparities, short[] data) {

    /** Integer units per unit of matching cost (1 − cos has range [0, 2], so 1/512 resolution). */
    public static final int SCALE = 512;

    /** Largest stored cost (≈ 4 cost units): per-path SGM values stay ≤ 2·MAX, 8 paths ≤ 32,752. */
    public static final int MAX = 2047;

    /**
     * Cost of a left pixel whose candidate x − d falls left of the right image. Finite (SGM adds it up)
     * and the worst value 1 − cos can take, so it never wins where a real candidate exists.
     */
    public static final float OUTSIDE = 2f;

    public CostVolume {
        if ((long) width * height * disparities != data.length) {
            throw new IllegalArgumentException("cost volume " + width + "x" + height + "x" + disparities + " needs "
                    + (long) width * height * disparities + " values, got " + data.length);
        }
    }

    public static CostVolume allocate(int width, int height, int disparities) {
        long n = (long) width * height * disparities;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cost volume " + width + "x" + height + "x" + disparities
                    + " is too large (" + n + " cells); use --scale or a smaller --max-disparity");
        }
        return new CostVolume(width, height, disparities, new short[(int) n]);
    }

    /** A cost in integer units: rounded, saturated to [0, MAX] (NaN counts as the worst cost). */
    public static short quantize(float cost) {
        if (!(cost == cost)) {
            return MAX;
        }
        return (short) Math.max(0, Math.min(MAX, Math.round(cost * SCALE)));
    }

    /** Cost in cost units (as quantized). */
    public float at(int x, int y, int d) {
        return units(x, y, d) / (float) SCALE;
    }

    /** Cost in integer units. */
    public int units(int x, int y, int d) {
        return data[(y * width + x) * disparities + d];
    }

    /** Stores {@link #quantize}(cost). */
    public void set(int x, int y, int d, float cost) {
        data[(y * width + x) * disparities + d] = quantize(cost);
    }

    /**
     * The matching cost of the stereo-cost zoo model, the same formula as the trainer's
     * {@code models.stereo.CostVolume.cosine}: C(p, d) = 1 − ⟨f_L(p), f_R(p − d)⟩ on unit-length feature
     * vectors, features stored [C][H][W] (one image of the network's NCHW output). Right x = left x − d;
     * a candidate outside the right image costs {@link #OUTSIDE}. The one definition of the cost:
     * {@link #cosine} stores {@code quantize} of this value.
     */
    public static float cosineCost(float[] left, float[] right, int channels, int w, int h, int x, int y, int d) {
        if (x - d < 0) {
            return OUTSIDE;
        }
        int plane = w * h;
        float dot = 0;
        for (int c = 0; c < channels; c++) {
            dot += left[c * plane + y * w + x] * right[c * plane + y * w + x - d];
        }
        return 1f - dot;
    }

    /**
     * Fills {@code out} with the quantized {@link #cosineCost} for every pixel and d in
     * [0, out.disparities), rows in parallel. The right features of a row are stored reversed so that,
     * for a fixed left x, the candidates x, x − 1, …, x − D + 1 are one increasing run, copied to a
     * zero-based buffer: the multiply-subtract over d then reads and writes arrays at the same index,
     * the only form JDK 17's auto-vectoriser packs into SIMD.
     */
    public static void cosine(float[] left, float[] right, int channels, int w, int h, CostVolume out,
                              RowParallel parallel) {
        int plane = w * h;
        if (left.length != channels * plane || right.length != channels * plane) {
            throw new IllegalArgumentException("features must be " + channels + "x" + h + "x" + w);
        }
        if (out.width() != w || out.height() != h) {
            throw new IllegalArgumentException("cost volume is " + out.width() + "x" + out.height() + ", features "
                    + w + "x" + h);
        }
        int nd = out.disparities();
        short[] vol = out.data();
        short outside = quantize(OUTSIDE);
        parallel.forBlocks(h, (y0, y1, b) -> {
            float[] rrev = new float[channels * w];
            float[] lcol = new float[channels * w];
            float[] acc = new float[nd];
            float[] cand = new float[nd];
            for (int y = y0; y < y1; y++) {
                for (int c = 0; c < channels; c++) {
                    int src = c * plane + y * w;
                    for (int x = 0; x < w; x++) {
                        rrev[c * w + (w - 1 - x)] = right[src + x];
                        lcol[x * channels + c] = left[src + x];
                    }
                }
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * nd;
                    int valid = Math.min(nd, x + 1);
                    java.util.Arrays.fill(acc, 0, valid, 1f);
                    int base = w - 1 - x; // rrev[c·w + base + d] = right[c][y][x − d]
                    for (int c = 0; c < channels; c++) {
                        float l = lcol[x * channels + c];
                        System.arraycopy(rrev, c * w + base, cand, 0, valid);
                        for (int d = 0; d < valid; d++) {
                            acc[d] -= l * cand[d];
                        }
                    }
                    for (int d = 0; d < valid; d++) {
                        // quantize() without Math.round's special cases (negatives clamp to 0 anyway)
                        vol[o + d] = (short) Math.max(0, Math.min(MAX, (int) (acc[d] * SCALE + 0.5f)));
                    }
                    java.util.Arrays.fill(vol, o + valid, o + nd, outside);
                }
            }
        });
    }
}
