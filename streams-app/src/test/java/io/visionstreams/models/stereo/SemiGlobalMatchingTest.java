package io.visionstreams.models.stereo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SemiGlobalMatchingTest {

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void recoversAConstantDisparityOnAShiftedRandomTexture(int paths) {
        StereoTestPairs.Pair p = StereoTestPairs.boxOnPlane(80, 40, 7, 7, 0, 0, 0, 0, 11);
        CostVolume cost = StereoTestPairs.sadCost(p, 16);
        DisparitySelection.Selection s = aggregateAndSelect(cost, p.left(), paths, -1f);
        int good = 0, n = 0;
        for (int y = 0; y < p.height(); y++) {
            for (int x = 20; x < p.width(); x++) {
                n++;
                good += Math.abs(s.disparity()[y * p.width() + x] - 7f) <= 0.5f ? 1 : 0;
            }
        }
        assertTrue(good >= 0.98 * n, good + " of " + n + " pixels at d = 7");
    }

    /**
     * A slanted plane d = 3 + 0.1·x + 0.05·y whose per-pixel cost is heavily noised: winner-take-all on
     * the raw cost is often wrong, SGM's smoothness must bring most pixels within 1 px of the plane.
     */
    @Test
    void recoversAPlanarDisparityFromANoisyCostThatWinnerTakeAllGetsWrong() {
        int w = 90, h = 50, nd = 20;
        Random r = new Random(5);
        CostVolume cost = CostVolume.allocate(w, h, nd);
        float[] truth = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float t = 3 + 0.1f * x + 0.05f * y;
                truth[y * w + x] = t;
                for (int d = 0; d < nd; d++) {
                    float c = Math.min(1f, Math.abs(d - t) / 3f) + 1.5f * r.nextFloat();
                    cost.set(x, y, d, x - d < 0 ? CostVolume.OUTSIDE : c);
                }
            }
        }
        byte[] guide = new byte[w * h];
        // penalties in this cost's units (noise up to 1.5): P1 small enough for the slope, P2 against the noise
        float sgmGood = fractionWithin(aggregateAndSelect(cost, guide, 4, -1f, 0.3f, 3f).disparity(), truth, w, h, 1f);
        float wtaGood;
        try (RowParallel par = new RowParallel(1)) {
            wtaGood = fractionWithin(DisparitySelection.select(cost, -1f, par).disparity(), truth, w, h, 1f);
        }
        assertTrue(sgmGood > 0.9f, "SGM within 1 px on " + sgmGood);
        assertTrue(wtaGood < 0.8f, "the test is only meaningful if raw WTA fails often: " + wtaGood);
    }

    @Test
    void leftRightCheckMarksTheOccludedStripBesideAForegroundBox() {
        // background d = 3, box d = 13 over x ∈ [40, 70): left x ∈ [30, 40) is hidden in the right view
        StereoTestPairs.Pair p = StereoTestPairs.boxOnPlane(100, 40, 3, 13, 40, 70, 0, 40, 21);
        CostVolume cost = StereoTestPairs.sadCost(p, 20);
        DisparitySelection.Selection s = aggregateAndSelect(cost, p.left(), 4, 1f);
        int occInvalid = 0, occ = 0, visGood = 0, vis = 0;
        for (int y = 2; y < p.height() - 2; y++) {
            for (int x = 20; x < p.width(); x++) {
                int i = y * p.width() + x;
                if (p.occluded()[i]) {
                    occ++;
                    occInvalid += s.disparity()[i] < 0 ? 1 : 0;
                } else if (Math.abs(x - 40) > 2 && Math.abs(x - 70) > 2 && Math.abs(x - 30) > 2) {
                    vis++;
                    visGood += s.disparity()[i] >= 0 && Math.abs(s.disparity()[i] - p.truth()[i]) <= 1 ? 1 : 0;
                }
            }
        }
        assertTrue(occ > 300, "strip present: " + occ);
        assertTrue(occInvalid >= 0.7 * occ, occInvalid + " of " + occ + " occluded pixels marked invalid");
        assertTrue(visGood >= 0.95 * vis, visGood + " of " + vis + " visible pixels valid and within 1 px");
        // without the check the strip gets (wrong) disparities
        DisparitySelection.Selection noCheck = aggregateAndSelect(cost, p.left(), 4, -1f);
        for (float d : noCheck.disparity()) {
            assertTrue(d >= 0);
        }
    }

    @Test
    void contrastSensitivePenaltyAndEightPathsKeepTheBoxEdgesSharp() {
        StereoTestPairs.Pair p = StereoTestPairs.boxOnPlane(100, 40, 3, 13, 40, 70, 10, 30, 8);
        CostVolume cost = StereoTestPairs.sadCost(p, 20);
        CostVolume agg = CostVolume.allocate(p.width(), p.height(), 20);
        try (RowParallel par = new RowParallel(2)) {
            new SemiGlobalMatching(new SemiGlobalMatching.Params(8, 0.05f, 1.5f, true, 8f)).aggregate(cost, p.left(), agg, par);
            float[] d = DisparitySelection.select(agg, -1f, par).disparity();
            float good = 0, n = 0;
            for (int y = 0; y < p.height(); y++) {
                for (int x = 20; x < p.width(); x++) {
                    int i = y * p.width() + x;
                    if (!p.occluded()[i]) {
                        n++;
                        good += Math.abs(d[i] - p.truth()[i]) <= 1 ? 1 : 0;
                    }
                }
            }
            assertTrue(good >= 0.95 * n, good + " of " + n);
        }
    }

    private static DisparitySelection.Selection aggregateAndSelect(CostVolume cost, byte[] guide, int paths, float lr) {
        return aggregateAndSelect(cost, guide, paths, lr, 0.05f, 0.6f);
    }

    private static DisparitySelection.Selection aggregateAndSelect(CostVolume cost, byte[] guide, int paths, float lr,
                                                                   float p1, float p2) {
        CostVolume agg = CostVolume.allocate(cost.width(), cost.height(), cost.disparities());
        try (RowParallel par = new RowParallel(2)) {
            new SemiGlobalMatching(new SemiGlobalMatching.Params(paths, p1, p2, false, 1f)).aggregate(cost, guide, agg, par);
            return DisparitySelection.select(agg, lr, par);
        }
    }

    private static float fractionWithin(float[] d, float[] truth, int w, int h, float tol) {
        int good = 0, n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 25; x < w; x++) {
                n++;
                good += Math.abs(d[y * w + x] - truth[y * w + x]) <= tol ? 1 : 0;
            }
        }
        return (float) good / n;
    }
}
