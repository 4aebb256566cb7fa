package io.visionstreams.models.stereo;

/**
 * A cost volume evaluated one disparity slice at a time, and winner-take-all over it. Slices are
 * produced on demand so WTA needs O(H·W) memory instead of O(D·H·W) (640×480×128 floats would be
 * 157 MB). Convention: right x = left x − d; a left pixel with x < d has no candidate and its slice
 * value is +∞.
 */
public final class CostVolume {

    /** Fills {@code out[y·w + x]} with C((x, y), d); lower is a better match. */
    @FunctionalInterface
    public interface Cost {
        void slice(int d, float[] out);
    }

    private CostVolume() {
    }

    /**
     * Integer WTA disparity per left pixel over d in [0, numDisparities): the d of least cost, the
     * smaller d on ties (so a flat cost gives 0, never an arbitrary value).
     */
    public static float[] wta(int w, int h, int numDisparities, Cost cost) {
        float[] best = new float[w * h];
        float[] bestD = new float[w * h];
        java.util.Arrays.fill(best, Float.POSITIVE_INFINITY);
        float[] slice = new float[w * h];
        for (int d = 0; d < numDisparities; d++) {
            cost.slice(d, slice);
            for (int i = 0; i < slice.length; i++) {
                if (slice[i] < best[i]) {
                    best[i] = slice[i];
                    bestD[i] = d;
                }
            }
        }
        return bestD;
    }

    /**
     * C(p, d) = 1 − ⟨f_L(p), f_R(p − d)⟩ on unit-length features stored [C][H][W] (one image of an
     * NCHW batch), i.e. 1 − cosine similarity, in [0, 2].
     */
    public static Cost cosine(float[] left, float[] right, int channels, int w, int h) {
        int plane = w * h;
        if (left.length != channels * plane || right.length != channels * plane) {
            throw new IllegalArgumentException("features must be " + channels + "x" + h + "x" + w);
        }
        return (d, out) -> {
            java.util.Arrays.fill(out, 0f);
            for (int c = 0; c < channels; c++) {
                int base = c * plane;
                for (int y = 0; y < h; y++) {
                    int row = base + y * w;
                    int o = y * w;
                    // x ≥ d only; the inner loop is a plain fused multiply-add over contiguous rows
                    for (int x = d; x < w; x++) {
                        out[o + x] += left[row + x] * right[row + x - d];
                    }
                }
            }
            for (int y = 0; y < h; y++) {
                int o = y * w;
                for (int x = 0; x < w; x++) {
                    out[o + x] = x < d ? Float.POSITIVE_INFINITY : 1f - out[o + x];
                }
            }
        };
    }
}
