package io.visionstreams.models.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PatchExtractorTest {

    private static final int N = 64;

    /**
     * A keypoint seen in a view rotated by α and scaled by σ about it, with angle + α and size·σ, must give
     * the same patch as in the original view (the σ = 2.5 case samples from a pyramid level).
     */
    @ParameterizedTest
    @CsvSource({"50, 1.5", "-120, 2.5", "170, 0.8"})
    void rotatedAndScaledViewGivesTheSamePatch(double alpha, double sigma) {
        var a = Scenes.smoothNoise(480, 480, 3, 7);
        double cx = 240.3, cy = 236.6;
        double[] h = Scenes.similarity(alpha, sigma, cx, cy);
        var b = Scenes.warp(a, h);
        Keypoint ka = new Keypoint((float) cx, (float) cy, 31, 20, 1);
        // the keypoint is the fixed point of the warp; its size and angle change with the view
        Keypoint kb = new Keypoint((float) cx, (float) cy, (float) (31 * sigma), (float) (20 + alpha), 1);
        float[] pa = new float[N * N], pb = new float[N * N], wrong = new float[N * N];
        try (Mat ga = Scenes.gray(a); Mat gb = Scenes.gray(b);
             PatchExtractor ea = new PatchExtractor(ga, N, 2.0, 1 / 255f, 0f, 1f);
             PatchExtractor eb = new PatchExtractor(gb, N, 2.0, 1 / 255f, 0f, 1f)) {
            ea.extract(ka, ka.angle(), pa, 0);
            eb.extract(kb, kb.angle(), pb, 0);
            eb.extract(kb, ka.angle(), wrong, 0); // right scale, angle not corrected for the view
            double same = meanAbsDiff(pa, pb), unrotated = meanAbsDiff(pa, wrong);
            assertTrue(same < 0.02, "oriented patches differ by " + same);
            assertTrue(unrotated > 5 * same, "the check can fail: without the rotation they differ by " + unrotated);

            float angleA = ea.centroidAngle(ka, new float[N * N]);
            float angleB = eb.centroidAngle(kb.withAngle(-1), new float[N * N]);
            double d = ((angleB - angleA - alpha) % 360 + 540) % 360 - 180;
            assertEquals(0, d, 4, "intensity-centroid angle follows the rotation");
        }
    }

    @ParameterizedTest
    @CsvSource({"0.00392156862745098, 0, 1", "0.00392156862745098, 0.5, 0.25"})
    void normalisesAsTheModelSays(float scale, float mean, float std) {
        byte[] px = new byte[200 * 200];
        java.util.Arrays.fill(px, (byte) 200);
        try (Mat g = Scenes.fromBytes(200, 200, px); PatchExtractor e = new PatchExtractor(g, N, 2.0, scale, mean, std)) {
            float[] out = new float[N * N];
            e.extract(new Keypoint(100, 100, 31, 0, 1), 0, out, 0);
            assertEquals((200 * scale - mean) / std, out[N * N / 2 + N / 2], 1e-4);
        }
    }

    static double meanAbsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }
}
