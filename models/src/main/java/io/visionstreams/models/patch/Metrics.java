package io.visionstreams.models.patch;

import java.util.Arrays;
import java.util.Comparator;

import io.visionstreams.models.data.PatchBatch;

/** FPR95 (models-patch-stereo.md §7 reference implementation) and the NCC baseline score. */
public final class Metrics {

    private Metrics() {
    }

    /**
     * False-positive rate at 95 % true-positive rate, in percent. Pairs are sorted by descending
     * score; all pairs with equal score are taken together (one ROC point per distinct score); FPR is
     * interpolated linearly between the two ROC points that bracket TPR = 0.95.
     */
    public static double fpr95(float[] scores, boolean[] positive) {
        int n = scores.length;
        long p = 0;
        for (boolean b : positive) {
            if (b) {
                p++;
            }
        }
        long neg = n - p;
        if (p == 0 || neg == 0) {
            throw new IllegalArgumentException("FPR95 needs both positive and negative pairs");
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        double tpr0 = 0;
        double fpr0 = 0;
        long tp = 0;
        long fp = 0;
        int i = 0;
        while (i < n) {
            float s = scores[order[i]];
            while (i < n && scores[order[i]] == s) {
                if (positive[order[i]]) {
                    tp++;
                } else {
                    fp++;
                }
                i++;
            }
            double tpr = (double) tp / p;
            double fpr = (double) fp / neg;
            if (tpr >= 0.95) {
                double f = tpr == tpr0 ? fpr : fpr0 + (0.95 - tpr0) * (fpr - fpr0) / (tpr - tpr0);
                return 100.0 * f;
            }
            tpr0 = tpr;
            fpr0 = fpr;
        }
        return 100.0; // unreachable: the last point has TPR 1
    }

    /** Normalised cross-correlation of two equally sized patches, in [−1, 1] (0 for a flat patch). */
    public static float ncc(float[] a, int aOff, float[] b, int bOff, int len) {
        double ma = 0;
        double mb = 0;
        for (int k = 0; k < len; k++) {
            ma += a[aOff + k];
            mb += b[bOff + k];
        }
        ma /= len;
        mb /= len;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int k = 0; k < len; k++) {
            double x = a[aOff + k] - ma;
            double y = b[bOff + k] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        double d = Math.sqrt(saa * sbb);
        return d < 1e-12 ? 0f : (float) (sab / d);
    }

    /** NCC on raw pixels for every pair of a batch. */
    public static float[] nccScores(PatchBatch batch) {
        float[] s = new float[batch.n()];
        int px = batch.size() * batch.size();
        for (int i = 0; i < batch.n(); i++) {
            s[i] = ncc(batch.a(), i * px, batch.b(), i * px, px);
        }
        return s;
    }

    public static boolean[] positives(PatchBatch batch) {
        boolean[] p = new boolean[batch.n()];
        for (int i = 0; i < p.length; i++) {
            p[i] = batch.labels()[i] > 0;
        }
        return p;
    }
}
