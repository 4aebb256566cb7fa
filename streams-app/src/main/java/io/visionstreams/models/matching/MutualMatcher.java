package io.visionstreams.models.matching;

import java.util.ArrayList;
import java.util.List;

/**
 * Mutual nearest-neighbour matching with Lowe's ratio test on a dense distance matrix: A's i and B's
 * j match when j is i's nearest neighbour, i is j's nearest neighbour, and i's nearest distance is
 * below {@code ratio} times its second nearest. Plain functions, no native code.
 */
public final class MutualMatcher {

    /** A match of A's keypoint a with B's keypoint b at the given distance. */
    public record Candidate(int a, int b, float distance) {
    }

    private MutualMatcher() {
    }

    /**
     * Euclidean distances between the rows of a [n, dim] and b [m, dim], row-major [n, m]. For
     * l2-normalised descriptors this is ‖a − b‖ = sqrt(2 − 2a·b); the general form is used so that any
     * descriptor works.
     */
    public static float[] l2Distances(float[] a, int n, float[] b, int m, int dim) {
        float[] na = squaredNorms(a, n, dim), nb = squaredNorms(b, m, dim);
        float[] d = new float[n * m];
        for (int i = 0; i < n; i++) {
            int ai = i * dim;
            for (int j = 0; j < m; j++) {
                int bj = j * dim;
                // four partial sums: lets the JIT keep several multiply-adds in flight
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int k = 0;
                for (; k + 3 < dim; k += 4) {
                    s0 += a[ai + k] * b[bj + k];
                    s1 += a[ai + k + 1] * b[bj + k + 1];
                    s2 += a[ai + k + 2] * b[bj + k + 2];
                    s3 += a[ai + k + 3] * b[bj + k + 3];
                }
                for (; k < dim; k++) {
                    s0 += a[ai + k] * b[bj + k];
                }
                float sq = na[i] + nb[j] - 2 * (s0 + s1 + s2 + s3);
                d[i * m + j] = (float) Math.sqrt(Math.max(0f, sq));
            }
        }
        return d;
    }

    private static float[] squaredNorms(float[] v, int n, int dim) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float s = 0;
            for (int k = i * dim; k < (i + 1) * dim; k++) {
                s += v[k] * v[k];
            }
            out[i] = s;
        }
        return out;
    }

    /** Hamming distances between binary descriptors of {@code bytes} bytes each (ORB). */
    public static float[] hammingDistances(byte[] a, int n, byte[] b, int m, int bytes) {
        float[] d = new float[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                int s = 0;
                for (int k = 0; k < bytes; k++) {
                    s += Integer.bitCount((a[i * bytes + k] ^ b[j * bytes + k]) & 0xFF);
                }
                d[i * m + j] = s;
            }
        }
        return d;
    }

    /**
     * Mutual nearest neighbours of the [n, m] distance matrix passing the ratio test (ratio ≥ 1
     * disables it). With a single column every row's second-nearest distance is infinite.
     */
    public static List<Candidate> match(float[] dist, int n, int m, double ratio) {
        if (dist.length != n * m) {
            throw new IllegalArgumentException("distance matrix has " + dist.length + " entries, not " + n + "x" + m);
        }
        int[] colBest = new int[m];
        float[] colMin = new float[m];
        java.util.Arrays.fill(colBest, -1);
        java.util.Arrays.fill(colMin, Float.POSITIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                float v = dist[i * m + j];
                if (v < colMin[j]) {
                    colMin[j] = v;
                    colBest[j] = i;
                }
            }
        }
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int best = -1;
            float d1 = Float.POSITIVE_INFINITY, d2 = Float.POSITIVE_INFINITY;
            for (int j = 0; j < m; j++) {
                float v = dist[i * m + j];
                if (v < d1) {
                    d2 = d1;
                    d1 = v;
                    best = j;
                } else if (v < d2) {
                    d2 = v;
                }
            }
            if (best < 0 || colBest[best] != i) {
                continue;
            }
            if (ratio < 1 && !(d1 < ratio * d2)) {
                continue;
            }
            out.add(new Candidate(i, best, d1));
        }
        return out;
    }
}
