package io.visionstreams.models.stereo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DisparitySelectionTest {

    @Test
    void parabolaOffsetFindsTheVertex() {
        for (float t0 : new float[] {-0.4f, -0.1f, 0f, 0.25f, 0.49f}) {
            float a = 3f, c0 = 0.7f;
            float m1 = a * (-1 - t0) * (-1 - t0) + c0, z = a * t0 * t0 + c0, p1 = a * (1 - t0) * (1 - t0) + c0;
            assertEquals(t0, DisparitySelection.parabolaOffset(m1, z, p1), 1e-5);
        }
        assertEquals(0f, DisparitySelection.parabolaOffset(1f, 1f, 1f)); // flat: no refinement
    }

    @Test
    void winnerTakeAllRefinesToTheSubPixelMinimum() {
        int w = 30, h = 2, nd = 10;
        float truth = 4.3f;
        CostVolume v = CostVolume.allocate(w, h, nd);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int d = 0; d < nd; d++) {
                    v.set(x, y, d, 0.1f * (d - truth) * (d - truth) + 0.05f); // inside the 16-bit range
                }
            }
        }
        try (RowParallel par = new RowParallel(2)) {
            DisparitySelection.Selection s = DisparitySelection.select(v, -1f, par);
            for (int x = nd; x < w; x++) {
                assertEquals(truth, s.disparity()[x], 0.01); // costs quantized to 1/512
                assertTrue((s.confidence()[x] & 0xFF) > 100, "a clear minimum gives a high confidence");
            }
            // x = 2 has only d ≤ 2 as candidates: the best of those, never an out-of-image one
            assertEquals(2f, s.disparity()[2], 1e-6);
        }
    }
}
