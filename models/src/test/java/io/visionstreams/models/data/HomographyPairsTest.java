package io.visionstreams.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomographyPairsTest {

    private static HomographyPairs.Options clean() {
        HomographyPairs.Options d = HomographyPairs.Options.defaults();
        return new HomographyPairs.Options(d.warp(), 320, false, d.minOverlap());
    }

    @Test
    void bShowsAThroughTheHomography() {
        HomographyPairs gen = new HomographyPairs(TestData.photos(), clean());
        HomographyPairs.Pair p = gen.pair(3, 1);
        GrayImage a = p.a(), b = p.b();
        float[] af = a.toFloat();
        double err = 0, shuffled = 0;
        int n = 0;
        for (int y = 20; y < a.height() - 20; y += 7) {
            for (int x = 20; x < a.width() - 20; x += 7) {
                double[] q = Homography.apply(p.homography(), x, y);
                int bx = (int) Math.round(q[0]), by = (int) Math.round(q[1]);
                if (bx < 1 || by < 1 || bx >= b.width() - 1 || by >= b.height() - 1) {
                    continue;
                }
                // B at integer pixels is A at H⁻¹·(bx, by): compare there to avoid rounding error
                double[] src = Homography.apply(Homography.inverse(p.homography()), bx, by);
                double expect = PatchPairGenerator.bilinear(af, a.width(), a.height(), src[0], src[1]) * 255;
                err += Math.abs(b.get(bx, by) - expect);
                shuffled += Math.abs(b.get(bx, by) - a.get(x, (y + 97) % a.height()));
                n++;
            }
        }
        assertTrue(n > 200, "enough of A is visible in B: " + n);
        assertTrue(err / n < 1.0, "mean abs error " + err / n);
        assertTrue(shuffled / n > 10, "the check can fail: unrelated pixels differ by " + shuffled / n);
    }

    @Test
    void pairsAreAFunctionOfSeedAndIndex(@TempDir Path dir) throws Exception {
        HomographyPairs gen = new HomographyPairs(TestData.photos(), HomographyPairs.Options.defaults());
        HomographyPairs.Pair x = gen.pair(5, 2), y = gen.pair(5, 2), z = gen.pair(5, 3);
        assertArrayEquals(x.b().data(), y.b().data());
        assertArrayEquals(x.homography(), y.homography());
        assertTrue(!java.util.Arrays.equals(x.homography(), z.homography()));
        HomographyPairs.write(dir, 2, x);
        String[] nums = Files.readString(dir.resolve("0002_H.txt")).trim().split("\\s+");
        assertEquals(9, nums.length);
        for (int i = 0; i < 9; i++) {
            assertEquals(x.homography()[i], Double.parseDouble(nums[i]), 0);
        }
        assertTrue(Files.size(dir.resolve("0002_a.png")) > 0 && Files.size(dir.resolve("0002_b.png")) > 0);
    }
}
