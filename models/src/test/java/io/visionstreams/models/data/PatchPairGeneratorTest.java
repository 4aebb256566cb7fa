package io.visionstreams.models.data;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.Arrays;

import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PatchPairGeneratorTest {

    private static final PatchPairGenerator.Options CLEAN = PatchPairGenerator.Options.defaults().withPhotometric(false);
    private static ImageFolder photos;

    @BeforeAll
    static void load() {
        photos = TestData.photos();
    }

    @Test
    void positivesCorrespondUnderTheHomography() {
        PatchPairGenerator g = new PatchPairGenerator(photos, 11, CLEAN);
        PatchPairGenerator.Generated out = g.generate(16);
        PatchBatch batch = out.batch();
        int s = batch.size(), area = s * s;
        int positives = 0;
        for (int i = 0; i < batch.n(); i++) {
            PatchPairGenerator.PairGeometry geo = out.geometry().get(i);
            assertEquals(batch.labels()[i] > 0, geo.positive());
            if (!geo.positive()) {
                continue;
            }
            positives++;
            double[] hp = Homography.apply(geo.homography(), geo.ax(), geo.ay());
            assertEquals(hp[0], geo.bx(), 1e-9);
            assertEquals(hp[1], geo.by(), 1e-9);
            GrayImage img = g.image(geo.imageA());
            // A is the image itself around p (integer centre: no interpolation)
            float[] a = Arrays.copyOfRange(batch.a(), i * area, (i + 1) * area);
            int ax = (int) geo.ax(), ay = (int) geo.ay();
            assertEquals(img.get(ax, ay) / 255f, a[(s / 2) * s + s / 2], 1e-6);
            // B is what OpenCV's warpPerspective of the whole image shows around H·p
            float[] warped = warp(img, geo.homography());
            float[] ref = new float[area];
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    ref[y * s + x] = PatchPairGenerator.bilinear(warped, img.width(), img.height(),
                            geo.bx() + x - s / 2, geo.by() + y - s / 2);
                }
            }
            float[] b = Arrays.copyOfRange(batch.b(), i * area, (i + 1) * area);
            double ncc = ncc(b, ref);
            assertTrue(ncc > 0.97, "NCC of B with the warped image at H·p: " + ncc);
        }
        assertEquals(8, positives);
    }

    @Test
    void negativesAreOtherPointsWithSomeHardOnes() {
        PatchPairGenerator g = new PatchPairGenerator(photos, 5, CLEAN.withHardNegativeFraction(0.5));
        PatchPairGenerator.Generated out = g.generate(64);
        int hard = 0;
        for (PatchPairGenerator.PairGeometry geo : out.geometry()) {
            if (geo.positive()) {
                continue;
            }
            double d = Math.hypot(geo.sourceBx() - geo.ax(), geo.sourceBy() - geo.ay());
            if (geo.imageA() == geo.imageB()) {
                assertTrue(d >= 10 - 1e-9, "negative too close: " + d);
                if (d <= 41) {
                    hard++;
                }
            }
        }
        assertTrue(hard >= 5, "hard negatives: " + hard);
    }

    @Test
    void batchesAreBalancedAndInRange() {
        PatchBatch b = new PatchPairGenerator(photos, 3).next(33);
        assertEquals(33, b.n());
        assertEquals(64, b.size());
        long pos = 0;
        for (float l : b.labels()) {
            assertTrue(l == 1f || l == -1f);
            pos += l > 0 ? 1 : 0;
        }
        assertEquals(16, pos);
        for (float v : b.a()) {
            assertTrue(v >= 0 && v <= 1);
        }
        for (float v : b.b()) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void patchesAreTextured() {
        PatchBatch b = new PatchPairGenerator(photos, 9, CLEAN).next(32);
        int area = b.size() * b.size();
        int flat = 0;
        for (int i = 0; i < b.n(); i++) {
            if (std(Arrays.copyOfRange(b.a(), i * area, (i + 1) * area)) < 0.02) {
                flat++;
            }
        }
        assertTrue(flat <= 2, "flat A patches: " + flat);
    }

    @Test
    void sameSeedSameBatchesOtherSeedOtherBatches() {
        PatchBatch x = new PatchPairGenerator(photos, 21).next(8);
        PatchBatch y = new PatchPairGenerator(photos, 21).next(8);
        PatchBatch z = new PatchPairGenerator(photos, 22).next(8);
        assertArrayEquals(x.a(), y.a());
        assertArrayEquals(x.b(), y.b());
        assertArrayEquals(x.labels(), y.labels());
        assertFalse(Arrays.equals(x.b(), z.b()));
    }

    private static float[] warp(GrayImage img, double[] h) {
        try (Mat src = new Mat(img.height(), img.width(), CV_8UC1); Mat m = new Mat(3, 3, CV_64F); Mat dst = new Mat();
             Size sz = new Size(img.width(), img.height())) {
            ((ByteBuffer) src.createBuffer()).put(img.data());
            ((DoubleBuffer) m.createBuffer()).put(h);
            opencv_imgproc.warpPerspective(src, dst, m, sz);
            byte[] d = new byte[img.width() * img.height()];
            ((ByteBuffer) dst.createBuffer()).get(d);
            return new GrayImage(img.width(), img.height(), d).toFloat();
        }
    }

    static double ncc(float[] a, float[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb + 1e-12);
    }

    private static double std(float[] a) {
        double m = 0, s = 0;
        for (float v : a) {
            m += v;
        }
        m /= a.length;
        for (float v : a) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / a.length);
    }
}
