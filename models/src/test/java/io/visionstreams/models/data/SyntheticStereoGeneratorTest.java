package io.visionstreams.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticStereoGeneratorTest {

    private static ImageFolder photos;

    @BeforeAll
    static void load() {
        photos = TestData.photos();
    }

    /** Mean |right(x − d) − left(x)| over non-occluded pixels after a least-squares gain/bias fit; also the fraction used. */
    static double[] reprojectionError(SyntheticStereoGenerator.StereoPair p) {
        return reprojectionError(p, p.disparity());
    }

    static double[] reprojectionError(SyntheticStereoGenerator.StereoPair p, float[] disparity) {
        int w = p.width(), h = p.height(), ch = p.channels();
        int n = 0;
        double sl = 0, sr = 0, sll = 0, slr = 0;
        double[] lv = new double[w * h * ch], rv = new double[w * h * ch];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (p.occluded()[i]) {
                    continue;
                }
                double xr = x - disparity[i];
                int x0 = (int) Math.floor(xr);
                double f = xr - x0;
                int x1 = Math.min(x0 + 1, w - 1);
                for (int c = 0; c < ch; c++) {
                    double r = (p.right()[(y * w + x0) * ch + c] & 0xFF) * (1 - f) + (p.right()[(y * w + x1) * ch + c] & 0xFF) * f;
                    double l = p.left()[i * ch + c] & 0xFF;
                    lv[n] = l;
                    rv[n] = r;
                    n++;
                    sl += l;
                    sr += r;
                    sll += l * l;
                    slr += l * r;
                }
            }
        }
        // right ≈ g·left + b: undo it so only geometry errors remain
        double g = (n * slr - sl * sr) / (n * sll - sl * sl), b = (sr - g * sl) / n;
        double err = 0;
        for (int k = 0; k < n; k++) {
            err += Math.abs(rv[k] - (g * lv[k] + b));
        }
        return new double[] {err / n, (double) n / (w * h * ch)};
    }

    @Test
    void rightViewReproducesLeftWhereVisible() {
        SyntheticStereoGenerator gen = new SyntheticStereoGenerator(photos, 4,
                SyntheticStereoGenerator.Options.defaults().withPhotometric(false));
        for (int k = 0; k < 3; k++) {
            SyntheticStereoGenerator.StereoPair p = gen.next();
            double[] e = reprojectionError(p);
            assertTrue(e[0] < 6, "mean abs reprojection error " + e[0]);
            assertTrue(e[1] > 0.5, "visible fraction " + e[1]);
            // control: ignoring the disparity must do much worse, or the check above proves nothing
            float[] shifted = p.disparity().clone();
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] = Math.max(0, shifted[i] - 3);
            }
            double wrong = reprojectionError(p, shifted)[0];
            assertTrue(wrong > 2 * e[0], "error with disparity off by 3 px: " + wrong + " vs " + e[0]);
        }
    }

    @Test
    void photometricChangesLeaveGeometryIntact() {
        SyntheticStereoGenerator gen = new SyntheticStereoGenerator(photos, 8,
                SyntheticStereoGenerator.Options.defaults().withRgb(true).withSize(640, 480).withMaxDisparity(96));
        SyntheticStereoGenerator.StereoPair p = gen.next();
        assertEquals(3, p.channels());
        assertEquals(640 * 480 * 3, p.left().length);
        double[] e = reprojectionError(p);
        assertTrue(e[0] < 9, "mean abs error after undoing gain/bias " + e[0]);
    }

    @Test
    void disparityInRangeAndOcclusionsWhereObjectsAre() {
        SyntheticStereoGenerator gen = new SyntheticStereoGenerator(photos, 12,
                SyntheticStereoGenerator.Options.defaults().withObjects(3, 5).withMaxDisparity(48));
        for (int k = 0; k < 3; k++) {
            SyntheticStereoGenerator.StereoPair p = gen.next();
            int occluded = 0, inside = 0;
            for (int i = 0; i < p.disparity().length; i++) {
                float d = p.disparity()[i];
                assertTrue(d >= 0 && d <= 48, "disparity " + d);
                if (p.occluded()[i]) {
                    occluded++;
                    if (i % p.width() >= d) {
                        inside++;
                    }
                }
            }
            assertTrue(inside > 0, "occlusions next to foreground objects, not only at the left border");
            assertTrue(occluded < p.disparity().length / 2);
        }
    }

    @Test
    void noObjectsMeansOnlyTheBorderIsOccluded() {
        SyntheticStereoGenerator.StereoPair p = new SyntheticStereoGenerator(photos, 2,
                SyntheticStereoGenerator.Options.defaults().withObjects(0, 0)).next();
        for (int i = 0; i < p.disparity().length; i++) {
            assertEquals(i % p.width() - p.disparity()[i] < 0, p.occluded()[i]);
        }
    }

    @Test
    void deterministicPerSeed() {
        SyntheticStereoGenerator.Options o = SyntheticStereoGenerator.Options.defaults().withSize(96, 64).withMaxDisparity(16);
        SyntheticStereoGenerator.StereoPair a = new SyntheticStereoGenerator(photos, 1, o).next();
        SyntheticStereoGenerator.StereoPair b = new SyntheticStereoGenerator(photos, 1, o).next();
        SyntheticStereoGenerator.StereoPair c = new SyntheticStereoGenerator(photos, 2, o).next();
        assertArrayEquals(a.left(), b.left());
        assertArrayEquals(a.right(), b.right());
        assertArrayEquals(a.disparity(), b.disparity());
        assertTrue(Arrays.equals(a.occluded(), b.occluded()));
        assertFalse(Arrays.equals(a.disparity(), c.disparity()));
    }

    /** renderAt(state) re-renders the pair next() drew at that state without moving the stream; restore continues it. */
    @Test
    void streamStateRerendersAndContinuesThePairs() {
        SyntheticStereoGenerator.Options o = SyntheticStereoGenerator.Options.defaults().withSize(64, 48).withMaxDisparity(8);
        SyntheticStereoGenerator g = new SyntheticStereoGenerator(photos, 11, o);
        g.next();
        String before = g.streamState();
        SyntheticStereoGenerator.StereoPair second = g.next();
        String after = g.streamState();
        SyntheticStereoGenerator.StereoPair third = g.next();

        SyntheticStereoGenerator other = new SyntheticStereoGenerator(photos, 99, o);
        SyntheticStereoGenerator.StereoPair again = other.renderAt(before);
        assertArrayEquals(second.left(), again.left());
        assertArrayEquals(second.right(), again.right());
        assertArrayEquals(second.disparity(), again.disparity());
        // renderAt leaves other's own stream where it was: its next pair is still seed 99's first
        assertArrayEquals(new SyntheticStereoGenerator(photos, 99, o).next().left(), other.next().left());

        other.restoreStreamState(after);
        SyntheticStereoGenerator.StereoPair continued = other.next();
        assertArrayEquals(third.left(), continued.left());
        assertArrayEquals(third.right(), continued.right());
        assertFalse(Arrays.equals(second.left(), third.left()));
    }
}
