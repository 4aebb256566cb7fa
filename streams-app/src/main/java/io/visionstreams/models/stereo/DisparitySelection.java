package io.visionstreams.models.stereo;

/**
 * From an aggregated volume to a disparity map: winner-take-all, parabola sub-pixel refinement,
 * left-right consistency and a confidence per pixel. Plain functions of arrays, no model involved.
 */
public final class DisparitySelection {

    /** Disparity value of a pixel without a trustworthy match. */
    public static final float INVALID = -1f;

    /** Winner-take-all output: disparities (or {@link #INVALID}) and an 8-bit confidence (0 where invalid). */
    public record Selection(float[] disparity, byte[] confidence) {
    }

    private DisparitySelection() {
    }

    /**
     * Sub-pixel offset of the minimum of the parabola through (−1, a), (0, b), (1, c), where b is the
     * smallest of the three; in [−0.5, 0.5], and 0 when the three are collinear or not convex.
     */
    public static float parabolaOffset(float a, float b, float c) {
        float den = a - 2 * b + c;
        if (!(den > 0)) {
            return 0f;
        }
        float off = (a - c) / (2 * den);
        return Math.max(-0.5f, Math.min(0.5f, off));
    }

    /**
     * For each left pixel: the d of least aggregated cost over the candidates inside the right image
     * (d ≤ x), refined by {@link #parabolaOffset}. Confidence is the ratio margin 1 − best/second, with
     * "second" the least cost at least 2 disparities away from the winner (the winner's neighbours are
     * part of the same minimum), scaled to 0..255. With {@code lrTolerance ≥ 0} the right view's
     * disparities are taken from the same volume (right pixel x_r matches left x_r + d) and a left pixel
     * whose right correspondent disagrees by more than the tolerance is marked invalid: occlusions and
     * most mismatches fail this test.
     */
    public static Selection select(CostVolume s, float lrTolerance, RowParallel parallel) {
        int w = s.width(), h = s.height(), nd = s.disparities();
        short[] v = s.data();
        float[] disp = new float[w * h];
        byte[] conf = new byte[w * h];
        parallel.forBlocks(h, (y0, y1, b) -> {
            int[] rightBest = new int[w];
            int[] rightCost = new int[w];
            for (int y = y0; y < y1; y++) {
                int row = y * w;
                if (lrTolerance >= 0) {
                    java.util.Arrays.fill(rightBest, -1);
                    java.util.Arrays.fill(rightCost, Integer.MAX_VALUE);
                }
                for (int x = 0; x < w; x++) {
                    int o = (row + x) * nd;
                    int valid = Math.min(nd, x + 1);
                    int best = 0;
                    int bc = v[o];
                    for (int d = 1; d < valid; d++) {
                        int c = v[o + d];
                        if (c < bc) {
                            bc = c;
                            best = d;
                        }
                    }
                    int second = Integer.MAX_VALUE;
                    for (int d = 0; d < valid; d++) {
                        int c = v[o + d];
                        if ((d < best - 1 || d > best + 1) && c < second) {
                            second = c;
                        }
                    }
                    if (lrTolerance >= 0) {
                        // right pixel xr = x − d: best d over the left pixels that see it (ties keep the smaller d)
                        for (int d = 0; d < valid; d++) {
                            int xr = x - d, c = v[o + d];
                            if (c < rightCost[xr] || (c == rightCost[xr] && d < rightBest[xr])) {
                                rightCost[xr] = c;
                                rightBest[xr] = d;
                            }
                        }
                    }
                    float sub = best > 0 && best < valid - 1 ? parabolaOffset(v[o + best - 1], bc, v[o + best + 1]) : 0f;
                    disp[row + x] = best + sub;
                    float margin = second == Integer.MAX_VALUE || second <= 0 ? 0f
                            : Math.max(0f, 1f - (float) Math.max(bc, 0) / second);
                    conf[row + x] = (byte) Math.round(255 * Math.min(1f, margin));
                }
                if (lrTolerance >= 0) {
                    for (int x = 0; x < w; x++) {
                        float d = disp[row + x];
                        int xr = Math.round(x - d);
                        if (xr < 0 || xr >= w || rightBest[xr] < 0 || Math.abs(rightBest[xr] - d) > lrTolerance) {
                            disp[row + x] = INVALID;
                            conf[row + x] = 0;
                        }
                    }
                }
            }
        });
        return new Selection(disp, conf);
    }

    /** Share of pixels with a valid disparity. */
    public static double density(float[] disparity) {
        long n = 0;
        for (float d : disparity) {
            if (d >= 0) {
                n++;
            }
        }
        return disparity.length == 0 ? 0 : (double) n / disparity.length;
    }
}
