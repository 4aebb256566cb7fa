package io.visionstreams.models.stereo;

import java.util.Locale;

/**
 * Disparity errors against ground truth, over the pixels with ground truth (valid, and below the
 * number of disparities searched: a larger truth is unreachable and would only measure the search
 * range; the same rule as the trainer's StereoMetrics). bad-τ and EPE are over the pixels that also
 * have a predicted disparity; {@code bad2All} counts a missing prediction as bad, so a sparse map
 * cannot look better than it is. Sums are kept so that several pairs combine pixel-weighted.
 */
public record DisparityErrors(long truthPixels, long predicted, long bad1, long bad2, long bad4, double absErrorSum) {

    public static final DisparityErrors EMPTY = new DisparityErrors(0, 0, 0, 0, 0, 0);

    /** Invalid entries in either array are negative or non-finite. */
    public static DisparityErrors of(float[] predictedDisparity, float[] truth, int maxDisparity) {
        if (predictedDisparity.length != truth.length) {
            throw new IllegalArgumentException("prediction has " + predictedDisparity.length
                    + " pixels, ground truth " + truth.length);
        }
        long n = 0, p = 0, b1 = 0, b2 = 0, b4 = 0;
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            float t = truth[i];
            if (!(t >= 0) || !Float.isFinite(t) || t > maxDisparity - 1) {
                continue;
            }
            n++;
            float d = predictedDisparity[i];
            if (!(d >= 0) || !Float.isFinite(d)) {
                continue;
            }
            p++;
            double e = Math.abs(d - t);
            sum += e;
            b1 += e > 1 ? 1 : 0;
            b2 += e > 2 ? 1 : 0;
            b4 += e > 4 ? 1 : 0;
        }
        return new DisparityErrors(n, p, b1, b2, b4, sum);
    }

    public DisparityErrors plus(DisparityErrors o) {
        return new DisparityErrors(truthPixels + o.truthPixels, predicted + o.predicted, bad1 + o.bad1, bad2 + o.bad2,
                bad4 + o.bad4, absErrorSum + o.absErrorSum);
    }

    public double bad1Percent() {
        return pct(bad1, predicted);
    }

    public double bad2Percent() {
        return pct(bad2, predicted);
    }

    public double bad4Percent() {
        return pct(bad4, predicted);
    }

    /** bad-2 with pixels lacking a prediction counted as bad, over all ground-truth pixels. */
    public double bad2AllPercent() {
        return pct(bad2 + (truthPixels - predicted), truthPixels);
    }

    public double epe() {
        return predicted == 0 ? Double.NaN : absErrorSum / predicted;
    }

    /** Share of ground-truth pixels with a prediction. */
    public double coverage() {
        return truthPixels == 0 ? Double.NaN : (double) predicted / truthPixels;
    }

    private static double pct(long k, long n) {
        return n == 0 ? Double.NaN : 100.0 * k / n;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "bad-1 %.2f%%  bad-2 %.2f%%  bad-4 %.2f%%  EPE %.3f px  (%d of %d px)",
                bad1Percent(), bad2Percent(), bad4Percent(), epe(), predicted, truthPixels);
    }
}
