package io.visionstreams.models.stereo;

/**
 * A dense cost volume, disparity fastest: {@code data[(y·width + x)·disparities + d]} is the cost of
 * matching left pixel (x, y) with right pixel (x − d, y); lower is better. Disparity-contiguous so that
 * each pixel's cost curve is one run of memory, which is what SGM's recurrence and winner-take-all read.
 */
public record CostVolume(int width, int height, int disparities, float[] data) {

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
        return new CostVolume(width, height, disparities, new float[(int) n]);
    }

    public float at(int x, int y, int d) {
        return data[(y * width + x) * disparities + d];
    }

    /**
     * The matching cost of the stereo-cost zoo model, the same formula as the trainer's
     * {@code models.stereo.CostVolume.cosine}: C(p, d) = 1 − ⟨f_L(p), f_R(p − d)⟩ on unit-length feature
     * vectors, features stored [C][H][W] (one image of the network's NCHW output). Right x = left x − d;
     * a candidate outside the right image costs {@link #OUTSIDE}.
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
     * Fills {@code out} with {@link #cosineCost} for every pixel and d in [0, out.disparities), rows in
     * parallel. The right features of a row are copied reversed so that, for a fixed left x, the
     * candidates x, x − 1, …, x − D + 1 are one increasing run: the inner loop over d is then a
     * contiguous multiply-subtract the JIT turns into SIMD.
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
        float[] vol = out.data();
        parallel.forBlocks(h, (y0, y1, b) -> {
            float[] rrev = new float[channels * w];
            float[] lcol = new float[channels * w];
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
                    java.util.Arrays.fill(vol, o, o + valid, 1f);
                    java.util.Arrays.fill(vol, o + valid, o + nd, OUTSIDE);
                    int base = w - 1 - x; // rrev[c·w + base + d] = right[c][y][x − d]
                    for (int c = 0; c < channels; c++) {
                        float l = lcol[x * channels + c];
                        int r = c * w + base;
                        for (int d = 0; d < valid; d++) {
                            vol[o + d] -= l * rrev[r + d];
                        }
                    }
                }
            }
        });
    }
}
