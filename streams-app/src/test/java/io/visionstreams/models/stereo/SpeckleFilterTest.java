package io.visionstreams.models.stereo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class SpeckleFilterTest {

    @Test
    void removesSmallIslandsAndKeepsLargeRegionsAndSmoothSlopes() {
        int w = 20, h = 10;
        float[] d = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[y * w + x] = 5 + 0.5f * x; // a slope: neighbours differ by 0.5, one region
            }
        }
        // a 2x2 island far off the slope, and one invalid pixel that must stay invalid
        for (int y = 3; y < 5; y++) {
            for (int x = 8; x < 10; x++) {
                d[y * w + x] = 40;
            }
        }
        d[0] = DisparitySelection.INVALID;
        int removed = new SpeckleFilter(10, 1f).apply(d, w, h);
        assertEquals(4, removed);
        for (int y = 3; y < 5; y++) {
            for (int x = 8; x < 10; x++) {
                assertEquals(DisparitySelection.INVALID, d[y * w + x]);
            }
        }
        assertEquals(DisparitySelection.INVALID, d[0]);
        long valid = Arrays.stream(toDouble(d)).filter(v -> v >= 0).count();
        assertEquals(w * h - 5, valid, "the slope survives");
    }

    @Test
    void theRangeDecidesWhatIsConnected() {
        int w = 10, h = 1;
        float[] steps = new float[w];
        for (int x = 0; x < w; x++) {
            steps[x] = 3 * x; // every neighbour 3 px apart
        }
        float[] tight = steps.clone();
        assertEquals(w, new SpeckleFilter(2, 2f).apply(tight, w, h), "range 2: ten 1-pixel regions, all removed");
        float[] loose = steps.clone();
        assertEquals(0, new SpeckleFilter(2, 3f).apply(loose, w, h), "range 3: one region of 10");
        assertEquals(0, new SpeckleFilter(0, 0f).apply(steps, w, h), "size 0 switches it off");
        assertTrue(steps[5] >= 0);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
