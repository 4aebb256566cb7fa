package io.visionstreams.models.style;

import static org.bytedeco.pytorch.global.torch.rand;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.nn.Export;

/** StyleNet: table sizes, ONNX parity at two sizes (dynamic H/W), blending semantics, size rule. */
class StyleNetTest {

    @BeforeAll
    static void threads() {
        org.bytedeco.pytorch.global.torch.set_num_threads(1);
    }

    /** A width-1 net whose CIN tables are randomised, as after training, so styles really differ. */
    static StyleNet trainedLike(int styles) {
        StyleNet net = new StyleNet(styles, 1, 11);
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < net.numNormLayers(); i++) {
                net.gammaTable(i).copy_(rand(net.gammaTable(i).size(0), net.gammaTable(i).size(1)).add(
                        new org.bytedeco.pytorch.Scalar(0.5)));
                net.betaTable(i).copy_(randn(net.betaTable(i).size(0), net.betaTable(i).size(1)).mul(
                        new org.bytedeco.pytorch.Scalar(0.3)));
            }
        }
        return net;
    }

    @Test
    void sizesMatchTheLayerTable() {
        StyleNet w1 = new StyleNet(1, 1, 1);
        assertEquals(423_299, w1.convParameters());
        assertEquals(1_606, w1.normParametersPerStyle());
        assertEquals(16, w1.numNormLayers());
        // §3: 2.77 GMAC at 256², width 1
        assertEquals(2.77, w1.macs(256, 256) / 1e9, 0.01);
        StyleNet w2 = new StyleNet(1, 2, 1);
        assertEquals(1_676_035, w2.convParameters());
        assertEquals(3_206, w2.normParametersPerStyle());
    }

    @Test
    void onnxMatchesLibtorchAtTwoSizes() throws Exception {
        StyleNet net = trainedLike(3);
        byte[] onnx = StyleExport.toOnnx(net, Map.of());
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(onnx, StyleExport.options(1));
             PointerScope scope = new PointerScope()) {
            Tensor w = StyleImages.tensor(new float[] {1, 0, 0, 0.2f, 0.5f, 0.3f}, 2, 3);
            double a = StyleExport.parity(net, s, randn(2, 3, 64, 64), w);
            double b = StyleExport.parity(net, s, randn(2, 3, 96, 128), w);
            System.out.printf("StyleNet parity: 64x64 %.3g, 96x128 %.3g (max abs diff / max abs ref)%n", a, b);
            assertTrue(a < 1e-4, "64x64 parity " + a);
            assertTrue(b < 1e-4, "96x128 parity " + b);
        }
    }

    @Test
    void blendingInterpolatesTheCinTables() {
        StyleNet net = trainedLike(2);
        net.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor x = randn(1, 3, 32, 32);
            float[] s0 = Export.data(net.forward(x, StyleImages.tensor(new float[] {1, 0}, 1, 2)));
            float[] s1 = Export.data(net.forward(x, StyleImages.tensor(new float[] {0, 1}, 1, 2)));
            float[] same = Export.data(net.forward(x, StyleImages.tensor(new float[] {3, 0}, 1, 2)));
            float[] half = Export.data(net.forward(x, StyleImages.tensor(new float[] {0.5f, 0.5f}, 1, 2)));
            // (1,0) and any positive multiple of it is exactly style 0: ρ/Σρ is exactly one-hot
            assertArrayEquals(s0, same, 0f);

            // the blended tables are the averages (what the graph computes: ρ̂·Γ)
            Tensor rho = StyleImages.tensor(new float[] {0.5f, 0.5f}, 1, 2);
            for (int i = 0; i < net.numNormLayers(); i++) {
                float[] avg = Export.data(rho.matmul(net.gammaTable(i)));
                float[] g0 = Export.data(net.gammaTable(i).select(0, 0));
                float[] g1 = Export.data(net.gammaTable(i).select(0, 1));
                for (int c = 0; c < avg.length; c++) {
                    assertEquals((g0[c] + g1[c]) / 2, avg[c], 1e-6);
                }
            }
            double d0 = 0;
            double d1 = 0;
            double between = 0;
            for (int k = 0; k < s0.length; k++) {
                d0 += Math.abs(half[k] - s0[k]);
                d1 += Math.abs(half[k] - s1[k]);
                // the network is nonlinear, so "between" holds per pixel only approximately: count it
                float lo = Math.min(s0[k], s1[k]) - 1e-3f;
                float hi = Math.max(s0[k], s1[k]) + 1e-3f;
                between += half[k] >= lo && half[k] <= hi ? 1 : 0;
            }
            System.out.printf("blend 50/50: mean |half-s0| %.4f, |half-s1| %.4f, fraction between %.3f%n",
                    d0 / s0.length, d1 / s0.length, between / s0.length);
            assertTrue(d0 / s0.length > 1e-3 && d1 / s0.length > 1e-3, "the blend differs from both styles");
            // the blend is closer to each style than the two styles are to each other
            double d01 = 0;
            for (int k = 0; k < s0.length; k++) {
                d01 += Math.abs(s0[k] - s1[k]);
            }
            assertTrue(d0 < d01 && d1 < d01, "blend lies between the styles: " + d0 + ", " + d1 + " vs " + d01);
        }
    }

    @Test
    void sizeRuleRejectsOrPads() {
        StyleNet net = new StyleNet(1, 1, 3);
        net.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor w = StyleImages.tensor(new float[] {1}, 1, 1);
            Tensor odd = randn(1, 3, 30, 37);
            assertThrows(IllegalArgumentException.class, () -> net.forward(odd, w));
            Tensor padded = StyleImages.padToMultipleOf4(odd);
            assertEquals(32, padded.size(2));
            assertEquals(40, padded.size(3));
            Tensor y = StyleImages.cropTo(net.forward(padded, w), 30, 37);
            assertEquals(30, y.size(2));
            assertEquals(37, y.size(3));
            // the original pixels are untouched by the padding
            assertArrayEquals(Export.data(odd), Export.data(StyleImages.cropTo(padded, 30, 37)), 0f);
        }
    }
}
