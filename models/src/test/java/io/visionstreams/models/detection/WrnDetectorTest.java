package io.visionstreams.models.detection;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.OnnxParity;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

/** Export parity, the exact contract names/shapes, CAM identity and decode geometry of the WRN detector. */
class WrnDetectorTest {

    static WrnDetector tiny;

    @BeforeAll
    static void build() {
        org.bytedeco.pytorch.global.torch.set_num_threads(2);
        manual_seed(3);
        tiny = new WrnDetector(new WrnDetector.Config(1, 1, 16, 3));
        // non-trivial BN running statistics, as after training
        tiny.train(true);
        try (PointerScope s = new PointerScope()) {
            for (int i = 0; i < 3; i++) {
                tiny.forwardTrain(randn(4, 3, 64, 64).mul(new org.bytedeco.pytorch.Scalar(2.0)));
            }
        }
        tiny.eval();
    }

    @Test
    void onnxMatchesLibtorch() throws Exception {
        OnnxParity.Result r = OnnxParity.check(tiny, "wrn_detector", 2, 11);
        assertTrue(r.within(1e-4), "parity " + r);
        assertEquals(2L * (2100 * 4 + 2100 * 3 + 3 * 400 + 3), r.values());
    }

    @Test
    void exportedGraphHasTheExactContract() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("wrn_detector");
        tiny.emit(g);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(g.toByteArray(), new OrtSession.SessionOptions())) {
            assertEquals(List.of("images"), List.copyOf(s.getInputNames()));
            assertEquals(List.of("boxes", "scores", "cams", "class_logits"), List.copyOf(s.getOutputNames()));
            for (int n : new int[] {1, 3}) {
                float[] img = new float[n * 3 * 320 * 320];
                Random rnd = new Random(n);
                for (int i = 0; i < img.length; i++) {
                    img[i] = (float) rnd.nextGaussian();
                }
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(img), new long[] {n, 3, 320, 320});
                     OrtSession.Result out = s.run(Map.of("images", t))) {
                    assertArrayEquals(new long[] {n, 2100, 4}, shape(out, "boxes"));
                    assertArrayEquals(new long[] {n, 2100, 3}, shape(out, "scores"));
                    assertArrayEquals(new long[] {n, 3, 20, 20}, shape(out, "cams"));
                    assertArrayEquals(new long[] {n, 3}, shape(out, "class_logits"));
                    // CAM identity on the exported graph: spatial mean of cams == class_logits
                    FloatBuffer cams = ((OnnxTensor) out.get("cams").orElseThrow()).getFloatBuffer();
                    FloatBuffer logits = ((OnnxTensor) out.get("class_logits").orElseThrow()).getFloatBuffer();
                    for (int k = 0; k < n * 3; k++) {
                        double m = 0;
                        for (int q = 0; q < 400; q++) {
                            m += cams.get(k * 400 + q);
                        }
                        assertEquals(logits.get(k), m / 400, 1e-4 * Math.max(1, Math.abs(logits.get(k))));
                    }
                }
            }
        }
    }

    private static long[] shape(OrtSession.Result out, String name) throws Exception {
        return ((OnnxTensor) out.get(name).orElseThrow()).getInfo().getShape();
    }

    @Test
    void camIdentityInLibtorch() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            WrnDetector.TrainOut o = tiny.forwardTrain(randn(2, 3, 320, 320));
            float[] gap = Export.data(o.cams().mean(2, 3));
            float[] logits = Export.data(o.classLogits());
            assertArrayEquals(logits, gap, 1e-4f);
        }
    }

    /** A zero ltrb decodes to anchor centre ± stride at the contract's indices (level offsets 0/1600/2000). */
    @Test
    void decodeGeometry() {
        try (PointerScope s = new PointerScope()) {
            float[] b = Export.data(WrnDetector.decode(org.bytedeco.pytorch.global.torch.zeros(1, 2100, 4), 320));
            int[][] checks = {{0, 8, 0, 0}, {1, 8, 1, 0}, {40 * 3 + 7, 8, 7, 3}, {1599, 8, 39, 39},
                    {1600, 16, 0, 0}, {1600 + 20 * 5 + 11, 16, 11, 5}, {2000 + 10 * 9 + 2, 32, 2, 9}, {2099, 32, 9, 9}};
            for (int[] c : checks) {
                float st = c[1];
                float cx = (c[2] + 0.5f) * st;
                float cy = (c[3] + 0.5f) * st;
                assertArrayEquals(new float[] {cx - st, cy - st, cx + st, cy + st},
                        java.util.Arrays.copyOfRange(b, c[0] * 4, c[0] * 4 + 4), 1e-5f, "anchor " + c[0]);
            }
            // log(2) regresses a box of 2·stride on each side
            Tensor l = org.bytedeco.pytorch.global.torch.full(new long[] {1, 2100, 4}, new org.bytedeco.pytorch.Scalar(Math.log(2)));
            float[] b2 = Export.data(WrnDetector.decode(l, 320));
            assertArrayEquals(new float[] {4 - 16, 4 - 16, 4 + 16, 4 + 16}, java.util.Arrays.copyOfRange(b2, 0, 4), 1e-4f);
        }
    }
}
