package io.visionstreams.models.stereo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** WTA over the cost volume recovers a known constant shift; metrics count what they claim. */
class CostVolumeTest {

    static final int W = 80, H = 40;

    /** A smoothed random texture: enough structure for a 9×9 window to be unique along a row. */
    static float[] texture(long seed, int w, int h) {
        Random r = new Random(seed);
        float[] n = new float[w * h];
        for (int i = 0; i < n.length; i++) {
            n[i] = r.nextFloat();
        }
        float[] t = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                int k = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = Math.min(w - 1, Math.max(0, x + dx)), yy = Math.min(h - 1, Math.max(0, y + dy));
                        s += n[yy * w + xx];
                        k++;
                    }
                }
                t[y * w + x] = s / k;
            }
        }
        return t;
    }

    /** right(x) = gain·scene(x + d) + bias, left(x) = scene(x): the left pixel x appears at right x − d. */
    static float[][] shiftedPair(int d, float gain, float bias) {
        float[] scene = texture(7, W + d, H);
        float[] l = new float[W * H], r = new float[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                l[y * W + x] = scene[y * (W + d) + x];
                r[y * W + x] = gain * scene[y * (W + d) + x + d] + bias;
            }
        }
        return new float[][] {l, r};
    }

    @Test
    void nccWtaRecoversAConstantDisparityDespiteGainAndBias() {
        int d = 7, radius = 4;
        float[][] p = shiftedPair(d, 0.7f, 0.2f);
        float[] disp = CostVolume.wta(W, H, 16, NccBaseline.cost(p[0], p[1], W, H, radius));
        int checked = 0;
        for (int y = 0; y < H; y++) {
            for (int x = d + radius; x < W - radius; x++) {
                assertEquals(d, disp[y * W + x], 0, "at " + x + "," + y);
                checked++;
            }
        }
        assertTrue(checked > 1500);
        float[] truth = new float[W * H];
        java.util.Arrays.fill(truth, d);
        boolean[] occ = new boolean[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < d; x++) {
                occ[y * W + x] = true; // off the right image
            }
        }
        StereoMetrics m = StereoMetrics.of(disp, truth, occ, 16);
        assertEquals((W - d) * H, m.pixels());
        assertTrue(m.bad1Percent() < 5, m.toString());
    }

    @Test
    void cosineCostWtaRecoversTheShiftOfIdenticalFeatures() {
        // features = the texture's values at 3 horizontal offsets, l2-normalised: a hand-made descriptor
        int d = 5, c = 3;
        float[][] p = shiftedPair(d, 1f, 0f);
        float[][] f = new float[2][];
        for (int v = 0; v < 2; v++) {
            f[v] = new float[c * W * H];
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double ss = 0;
                    for (int k = 0; k < c; k++) {
                        float val = p[v][y * W + Math.min(W - 1, x + k)] - 0.5f;
                        f[v][k * W * H + y * W + x] = val;
                        ss += val * val;
                    }
                    for (int k = 0; k < c; k++) {
                        f[v][k * W * H + y * W + x] /= (float) Math.sqrt(ss + 1e-12);
                    }
                }
            }
        }
        float[] disp = CostVolume.wta(W, H, 12, CostVolume.cosine(f[0], f[1], c, W, H));
        int right = 0, total = 0;
        for (int y = 0; y < H; y++) {
            for (int x = d; x < W - c; x++) {
                right += disp[y * W + x] == d ? 1 : 0;
                total++;
            }
        }
        // a 3-pixel descriptor is ambiguous sometimes, but the true shift is a perfect (cost 0) match everywhere
        assertTrue(right > 0.6 * total, right + "/" + total);
        float[] s = new float[W * H];
        CostVolume.cosine(f[0], f[1], c, W, H).slice(d, s);
        assertEquals(0, s[10 * W + 20], 1e-5);
        assertEquals(Float.POSITIVE_INFINITY, s[10 * W + 2]);
    }

    @Test
    void metricsCountThresholdsAndSkipOccludedOrOutOfRange() {
        float[] truth = {1, 2, 3, 4, 50, Float.NaN};
        float[] pred = {1, 3.5f, 0, 4, 0, 0};
        boolean[] occ = {false, false, false, true, false, false};
        StereoMetrics m = StereoMetrics.of(pred, truth, occ, 16);
        assertEquals(3, m.pixels()); // occluded, beyond the search range, and NaN are skipped
        assertEquals(2, m.bad1());   // 1.5 and 3
        assertEquals(1, m.bad2());
        assertEquals(0, m.bad4());
        assertEquals(1.5, m.epe(), 1e-9);
    }
}
