package io.visionstreams.models.stereo;

import java.util.Locale;

/**
 * Disparity error over the pixels that have a visible, in-range ground truth: not occluded in the right
 * view, finite, and below the number of disparities searched (a larger truth is unreachable by any
 * matcher and would only measure the search range). bad-τ is the percentage with |error| > τ px; EPE the
 * mean |error|. Sums are kept so several pairs combine pixel-weighted.
 */
public record StereoMetrics(long pixels, long bad1, long bad2, long bad4, double absErrorSum) {

    public static final StereoMetrics EMPTY = new StereoMetrics(0, 0, 0, 0, 0);

    public static StereoMetrics of(float[] predicted, float[] truth, boolean[] occluded, int numDisparities) {
        long n = 0, b1 = 0, b2 = 0, b4 = 0;
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            float t = truth[i];
            if ((occluded != null && occluded[i]) || !Float.isFinite(t) || t > numDisparities - 1) {
                continue;
            }
            double e = Math.abs(predicted[i] - t);
            n++;
            sum += e;
            b1 += e > 1 ? 1 : 0;
            b2 += e > 2 ? 1 : 0;
            b4 += e > 4 ? 1 : 0;
        }
        return new StereoMetrics(n, b1, b2, b4, sum);
    }

    public StereoMetrics plus(StereoMetrics o) {
        return new StereoMetrics(pixels + o.pixels, bad1 + o.bad1, bad2 + o.bad2, bad4 + o.bad4, absErrorSum + o.absErrorSum);
    }

    public double bad1Percent() {
        return pct(bad1);
    }

    public double bad2Percent() {
        return pct(bad2);
    }

    public double bad4Percent() {
        return pct(bad4);
    }

    public double epe() {
        return pixels == 0 ? Double.NaN : absErrorSum / pixels;
    }

    private double pct(long k) {
        return pixels == 0 ? Double.NaN : 100.0 * k / pixels;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "bad-1 %.2f%%  bad-2 %.2f%%  bad-4 %.2f%%  EPE %.3f px  (%d px)", bad1Percent(),
                bad2Percent(), bad4Percent(), epe(), pixels);
    }
}
