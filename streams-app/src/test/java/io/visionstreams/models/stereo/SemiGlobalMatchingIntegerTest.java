package io.visionstreams.models.stereo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The 16-bit, two-sweep SGM against the plain float one ({@link ReferenceSgm}). */
class SemiGlobalMatchingIntegerTest {

    /**
     * Costs and penalties that are whole multiples of 1/SCALE are exact in both arithmetics, so the
     * integer SGM must give exactly the float sums (×SCALE) and therefore the same argmin everywhere.
     */
    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void equalsTheFloatReferenceOnANoisySlantedPlane(int paths) {
        int w = 37, h = 23, nd = 12;
        Random r = new Random(3);
        CostVolume cost = CostVolume.allocate(w, h, nd);
        float[][] ref = new float[w * h][nd];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float t = 2 + 0.15f * x + 0.1f * y;
                for (int d = 0; d < nd; d++) {
                    // a V-shaped curve around the plane plus noise, in whole units
                    int units = Math.min(CostVolume.MAX, (int) (Math.abs(d - t) * 80) + r.nextInt(600));
                    cost.data()[(y * w + x) * nd + d] = (short) units;
                    ref[y * w + x][d] = units / (float) CostVolume.SCALE;
                }
            }
        }
        float p1 = 40f / CostVolume.SCALE, p2 = 700f / CostVolume.SCALE;
        CostVolume agg = CostVolume.allocate(w, h, nd);
        try (RowParallel par = new RowParallel(2)) {
            new SemiGlobalMatching(new SemiGlobalMatching.Params(paths, p1, p2, false, 1f)).aggregate(cost, null, agg, par);
        }
        double[] expected = ReferenceSgm.aggregate(ref, w, h, nd, paths, p1, p2);
        int argminDiffers = 0;
        for (int p = 0; p < w * h; p++) {
            int bestInt = 0, bestRef = 0;
            for (int d = 0; d < nd; d++) {
                int o = p * nd + d;
                assertEquals(Math.round(expected[o] * CostVolume.SCALE), agg.data()[o], "pixel " + p + " d " + d);
                bestInt = agg.data()[o] < agg.data()[p * nd + bestInt] ? d : bestInt;
                bestRef = expected[o] < expected[p * nd + bestRef] ? d : bestRef;
            }
            argminDiffers += bestInt != bestRef ? 1 : 0;
        }
        assertEquals(0, argminDiffers);
    }

    @Test
    void sameResultWithOneThreadAndOnARerunOfTheSameShape() {
        int w = 30, h = 20, nd = 9;
        Random r = new Random(9);
        CostVolume cost = CostVolume.allocate(w, h, nd);
        for (int i = 0; i < cost.data().length; i++) {
            cost.data()[i] = (short) r.nextInt(CostVolume.MAX + 1);
        }
        SemiGlobalMatching sgm = new SemiGlobalMatching(new SemiGlobalMatching.Params(8, 0.1f, 1f, false, 1f));
        CostVolume a = CostVolume.allocate(w, h, nd), b = CostVolume.allocate(w, h, nd);
        try (RowParallel one = new RowParallel(1); RowParallel two = new RowParallel(2)) {
            sgm.aggregate(cost, null, a, one);
            sgm.aggregate(cost, null, b, two); // scratch reused
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.data(), b.data());
    }

    @Test
    void worstCaseCostsAndPenaltiesDoNotOverflowSixteenBits() {
        int w = 20, h = 20, nd = 8;
        CostVolume cost = CostVolume.allocate(w, h, nd);
        // alternating best/worst curves force the largest jumps on every step
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int d = 0; d < nd; d++) {
                    cost.data()[(y * w + x) * nd + d] = (short) (((x + y + d) & 1) == 0 ? 0 : CostVolume.MAX);
                }
            }
        }
        float maxP2 = (float) CostVolume.MAX / CostVolume.SCALE;
        CostVolume agg = CostVolume.allocate(w, h, nd);
        try (RowParallel par = new RowParallel(2)) {
            new SemiGlobalMatching(new SemiGlobalMatching.Params(8, maxP2, maxP2, false, 1f)).aggregate(cost, null, agg, par);
        }
        for (short v : agg.data()) {
            org.junit.jupiter.api.Assertions.assertTrue(v >= 0, "overflowed to " + v);
        }
        assertThrows(IllegalArgumentException.class, () -> new SemiGlobalMatching.Params(4, 0.1f, 4.5f, false, 1f));
    }

    @Test
    void quantizeRoundsAndSaturates() {
        assertEquals(0, CostVolume.quantize(-0.3f));
        assertEquals(256, CostVolume.quantize(0.5f));
        assertEquals(1024, CostVolume.quantize(CostVolume.OUTSIDE));
        assertEquals(CostVolume.MAX, CostVolume.quantize(100f));
        assertEquals(CostVolume.MAX, CostVolume.quantize(Float.NaN));
    }
}
