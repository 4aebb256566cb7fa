package io.visionstreams.models.detection;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StubDetectorTest {

    private static final int S = StubDetector.INPUT_SIZE;
    private static final int A = StubDetector.NUM_ANCHORS;
    private static final int C = StubDetector.CLASSES.size();

    private static OrtEnvironment env;
    private static OrtSession session;
    private static OrtSession zeroRegSession;

    @BeforeAll
    static void load() throws OrtException {
        env = OrtEnvironment.getEnvironment();
        session = env.createSession(StubDetector.build(42).bytes(), new OrtSession.SessionOptions());
        zeroRegSession = env.createSession(StubDetector.build(42, true).bytes(), new OrtSession.SessionOptions());
    }

    @AfterAll
    static void close() throws OrtException {
        session.close();
        zeroRegSession.close();
    }

    @Test
    void contractConstants() {
        assertEquals(2100, A);
        assertEquals(-4.595, StubDetector.PRIOR_BIAS, 1e-3);
        ModelProto m = StubDetector.build(42).model();
        assertEquals(8, m.getIrVersion());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertTrue(m.getSerializedSize() < 1_000_000, "stub must stay well under 1 MB, is " + m.getSerializedSize());
        assertEquals("images", m.getGraph().getInput(0).getName());
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        assertArrayEquals(StubDetector.build(7).bytes(), StubDetector.build(7).bytes());
        assertFalse(Arrays.equals(StubDetector.build(7).bytes(), StubDetector.build(8).bytes()));
    }

    @Test
    void outputsHaveContractShapesForBatch1And3() throws OrtException {
        for (int n : new int[] {1, 3}) {
            Map<String, Out> out = run(session, randomImages(n, 1));
            assertArrayEquals(new long[] {n, A, 4}, out.get("boxes").shape);
            assertArrayEquals(new long[] {n, A, C}, out.get("scores").shape);
            assertArrayEquals(new long[] {n, C, 20, 20}, out.get("cams").shape);
            assertArrayEquals(new long[] {n, C}, out.get("class_logits").shape);
        }
    }

    @Test
    void batchItemsAreIndependent() throws OrtException {
        float[] three = randomImages(3, 5);
        float[] second = Arrays.copyOfRange(three, 3 * S * S, 6 * S * S);
        float[] b3 = run(session, three).get("boxes").data;
        float[] b1 = run(session, second).get("boxes").data;
        for (int i = 0; i < b1.length; i++) {
            assertEquals(b1[i], b3[A * 4 + i], 1e-3f * Math.max(1f, Math.abs(b1[i])));
        }
    }

    @Test
    void scoresAreProbabilitiesNearThePrior() throws OrtException {
        float[] s = run(session, randomImages(2, 2)).get("scores").data;
        double mean = 0;
        for (float v : s) {
            assertTrue(v >= 0f && v <= 1f, "score out of [0,1]: " + v);
            mean += v;
        }
        mean /= s.length;
        assertEquals(0.01, mean, 0.01, "untrained scores should sit near the 0.01 prior");
    }

    /** With the ltrb head at zero, every box is its anchor centre ± stride: checks the in-graph decoding. */
    @Test
    void zeroRegressionBoxesAreAnchorCentrePlusMinusStride() throws OrtException {
        float[] b = run(zeroRegSession, randomImages(1, 3)).get("boxes").data;
        // level offsets: stride 8 -> 0..1599, stride 16 -> 1600..1999, stride 32 -> 2000..2099
        int[][] checks = { // {anchor index, stride, i (x), j (y)}
                {0, 8, 0, 0}, {1, 8, 1, 0}, {40, 8, 0, 1}, {40 * 3 + 7, 8, 7, 3}, {1599, 8, 39, 39},
                {1600, 16, 0, 0}, {1600 + 20 * 5 + 11, 16, 11, 5}, {1999, 16, 19, 19},
                {2000, 32, 0, 0}, {2000 + 10 * 9 + 2, 32, 2, 9}, {2099, 32, 9, 9}};
        for (int[] c : checks) {
            int a = c[0];
            float s = c[1];
            float cx = (c[2] + 0.5f) * s;
            float cy = (c[3] + 0.5f) * s;
            float[] box = Arrays.copyOfRange(b, a * 4, a * 4 + 4);
            assertArrayEquals(new float[] {cx - s, cy - s, cx + s, cy + s}, box, 1e-4f, "anchor " + a);
        }
    }

    /** For the real stub, each anchor centre must lie strictly inside its (positive-size) box. */
    @Test
    void boxesContainTheirAnchorCentre() throws OrtException {
        float[] b = run(session, randomImages(1, 4)).get("boxes").data;
        int a = 0;
        for (int s : StubDetector.STRIDES) {
            int n = S / s;
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++, a++) {
                    float cx = (i + 0.5f) * s;
                    float cy = (j + 0.5f) * s;
                    assertTrue(b[a * 4] < cx && cx < b[a * 4 + 2] && b[a * 4 + 1] < cy && cy < b[a * 4 + 3],
                            "anchor " + a);
                }
            }
        }
    }

    /** The CAM identity (Zhou et al.): mean over the map of each CAM (bias included) is the class logit. */
    @Test
    void gapOfCamsEqualsClassLogits() throws OrtException {
        int n = 3;
        Map<String, Out> out = run(session, randomImages(n, 9));
        float[] cams = out.get("cams").data;
        float[] logits = out.get("class_logits").data;
        int hw = 20 * 20;
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < C; c++) {
                double sum = 0;
                for (int k = 0; k < hw; k++) {
                    sum += cams[(b * C + c) * hw + k];
                }
                assertEquals(logits[b * C + c], sum / hw, 1e-4, "image " + b + " class " + c);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    record Out(long[] shape, float[] data) {
    }

    /** Roughly normalised inputs: N(0,1) per value, like ImageNet-normalised pixels. */
    static float[] randomImages(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 3 * S * S];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static Map<String, Out> run(OrtSession s, float[] images) throws OrtException {
        long n = images.length / (3L * S * S);
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), new long[] {n, 3, S, S});
             OrtSession.Result r = s.run(Map.of("images", t))) {
            Map<String, Out> out = new HashMap<>();
            r.forEach(e -> {
                OnnxTensor v = (OnnxTensor) e.getValue();
                FloatBuffer fb = v.getFloatBuffer();
                float[] a = new float[fb.remaining()];
                fb.get(a);
                out.put(e.getKey(), new Out(v.getInfo().getShape(), a));
            });
            return out;
        }
    }
}
