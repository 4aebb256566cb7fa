package io.visionstreams.models.stereo;

/**
 * Removes speckles: 4-connected regions of valid disparities, neighbours joined when they differ by at
 * most {@code maxDiff} px, that cover fewer than {@code maxSpeckleSize} pixels are set to
 * {@link DisparitySelection#INVALID}, like OpenCV's {@code filterSpeckles} (SGBM's speckleWindowSize /
 * speckleRange). Small islands are what a wrong SGM minimum looks like; real surfaces are large.
 *
 * <p>Label and stack buffers are kept between calls of the same size: one filter per thread.
 */
public final class SpeckleFilter {

    private final int maxSpeckleSize;
    private final float maxDiff;
    private int[] label = new int[0];
    private int[] stack = new int[0];
    private int[] region = new int[0];

    public SpeckleFilter(int maxSpeckleSize, float maxDiff) {
        if (maxSpeckleSize < 0) {
            throw new IllegalArgumentException("speckle size must be >= 0, got " + maxSpeckleSize);
        }
        if (!(maxDiff >= 0)) {
            throw new IllegalArgumentException("speckle range must be >= 0, got " + maxDiff);
        }
        this.maxSpeckleSize = maxSpeckleSize;
        this.maxDiff = maxDiff;
    }

    /** Filters {@code disparity} (w·h, row-major) in place; returns the number of pixels invalidated. */
    public int apply(float[] disparity, int w, int h) {
        int n = w * h;
        if (disparity.length != n) {
            throw new IllegalArgumentException("disparity has " + disparity.length + " values, not " + w + "x" + h);
        }
        if (maxSpeckleSize == 0) {
            return 0;
        }
        if (label.length < n) {
            label = new int[n];
            stack = new int[n];
            region = new int[n];
        }
        java.util.Arrays.fill(label, 0, n, 0);
        int removed = 0, next = 0;
        for (int start = 0; start < n; start++) {
            if (label[start] != 0 || !(disparity[start] >= 0)) {
                continue;
            }
            // flood fill one region; remember its pixels to invalidate it if it is small
            next++;
            int top = 0, size = 0;
            stack[top++] = start;
            label[start] = next;
            while (top > 0) {
                int p = stack[--top];
                region[size++] = p;
                int x = p % w;
                float d = disparity[p];
                if (x > 0) {
                    top = visit(disparity, p - 1, d, next, top);
                }
                if (x < w - 1) {
                    top = visit(disparity, p + 1, d, next, top);
                }
                if (p >= w) {
                    top = visit(disparity, p - w, d, next, top);
                }
                if (p + w < n) {
                    top = visit(disparity, p + w, d, next, top);
                }
            }
            if (size < maxSpeckleSize) {
                for (int i = 0; i < size; i++) {
                    disparity[region[i]] = DisparitySelection.INVALID;
                }
                removed += size;
            }
        }
        return removed;
    }

    private int visit(float[] disparity, int q, float d, int id, int top) {
        if (label[q] == 0 && disparity[q] >= 0 && Math.abs(disparity[q] - d) <= maxDiff) {
            label[q] = id;
            stack[top++] = q;
        }
        return top;
    }
}
