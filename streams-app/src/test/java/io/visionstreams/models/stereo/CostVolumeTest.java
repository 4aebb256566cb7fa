package io.visionstreams.models.stereo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

class CostVolumeTest {

    @Test
    void cosineCostMatchesAHandComputedCase() {
        // 2 channels, 3×1 image, features [C][H][W]
        float[] left = {0.6f, 0.8f, 1.0f, /* c1 */ 0.8f, 0.6f, 0.0f};
        float[] right = {1.0f, 0.0f, 0.6f, /* c1 */ 0.0f, 1.0f, 0.8f};
        try (RowParallel par = new RowParallel(1)) {
            CostVolume v = CostVolume.allocate(3, 1, 3);
            CostVolume.cosine(left, right, 2, 3, 1, v, par);
            // x=2, d=1: left (1.0, 0.0) · right at x=1 (0.0, 1.0) = 0 → cost 1
            assertEquals(1.0f, v.at(2, 0, 1), 1f / CostVolume.SCALE);
            // x=1, d=0: (0.8, 0.6) · (0.0, 1.0) = 0.6 → 0.4
            assertEquals(0.4f, v.at(1, 0, 0), 1f / CostVolume.SCALE);
            // x=1, d=1: (0.8, 0.6) · (1.0, 0.0) = 0.8 → 0.2
            assertEquals(0.2f, v.at(1, 0, 1), 1f / CostVolume.SCALE);
            // x=2, d=2: (1.0, 0.0) · (1.0, 0.0) = 1 → 0
            assertEquals(0.0f, v.at(2, 0, 2), 1f / CostVolume.SCALE);
            // x=0, d=1: candidate left of the right image
            assertEquals(CostVolume.OUTSIDE, v.at(0, 0, 1));
            assertEquals(CostVolume.OUTSIDE, v.at(1, 0, 2));
        }
    }

    @Test
    void vectorisedVolumeEqualsThePerCellFormulaOnRandomFeatures() {
        int c = 16, w = 37, h = 5, nd = 11;
        Random r = new Random(3);
        float[] l = new float[c * w * h], rt = new float[c * w * h];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) r.nextGaussian();
            rt[i] = (float) r.nextGaussian();
        }
        try (RowParallel par = new RowParallel(2)) {
            CostVolume v = CostVolume.allocate(w, h, nd);
            CostVolume.cosine(l, rt, c, w, h, v, par);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int d = 0; d < nd; d++) {
                        // the stored cost is the quantized formula (±1 unit: float sums in another order)
                        assertEquals(CostVolume.quantize(CostVolume.cosineCost(l, rt, c, w, h, x, y, d)), v.units(x, y, d),
                                1, "x=" + x + " y=" + y + " d=" + d);
                    }
                }
            }
        }
    }

    @Test
    void refusesMismatchedShapes() {
        try (RowParallel par = new RowParallel(1)) {
            CostVolume v = CostVolume.allocate(4, 2, 3);
            assertThrows(IllegalArgumentException.class, () -> CostVolume.cosine(new float[8], new float[8], 2, 4, 2, v, par));
            assertThrows(IllegalArgumentException.class, () -> new CostVolume(4, 2, 3, new short[5]));
        }
    }
}
