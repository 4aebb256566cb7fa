package io.visionstreams.models.stereo;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.OnnxParity;

class StereoFeatureNetTest {

    @Test
    void featuresAreUnitLengthPerPixelAtFullResolution() {
        manual_seed(3);
        StereoFeatureNet net = new StereoFeatureNet(new StereoFeatureNet.Config(3, 8, 6));
        net.eval();
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor f = net.features(rand(2, 1, 21, 34));
            assertEquals(List.of(2L, 6L, 21L, 34L), java.util.Arrays.stream(Export.shape(f)).boxed().toList());
            float[] v = Export.data(f);
            int plane = 21 * 34;
            for (int b = 0; b < 2; b++) {
                for (int p = 0; p < plane; p++) {
                    double ss = 0;
                    for (int c = 0; c < 6; c++) {
                        double x = v[(b * 6 + c) * plane + p];
                        ss += x * x;
                    }
                    assertEquals(1.0, ss, 1e-4, "norm² at pixel " + p);
                }
            }
        }
    }

    @Test
    void counts() {
        StereoFeatureNet net = new StereoFeatureNet(new StereoFeatureNet.Config(4, 16, 16));
        // 1→16, 16→16, 16→16, 16→16 3×3 convs with biases
        assertEquals(16 * 9 + 16 + 3 * (16 * 16 * 9 + 16), net.parameterCount());
        assertEquals(16 * 9 + 3 * 16 * 16 * 9, net.macsPerPixel());
        long actual = 0;
        for (long i = 0; i < net.parameters().size(); i++) {
            actual += net.parameters().get(i).numel();
        }
        assertEquals(net.parameterCount(), actual);
        assertEquals(4, net.radius());
    }

    @Test
    void onnxMatchesLibtorchAtTwoImageSizes() throws Exception {
        manual_seed(5);
        StereoFeatureNet net = new StereoFeatureNet(new StereoFeatureNet.Config(4, 12, 10));
        byte[] onnx = net.exportOnnx("stereo-test");
        // one exported graph, two sizes: H and W are symbolic
        for (long[] shape : List.of(new long[] {1, 1, 48, 64}, new long[] {2, 1, 37, 91})) {
            OnnxParity.Result r = OnnxParity.check(net, onnx, List.of(shape), 11);
            assertTrue(r.within(1e-4), "parity at " + java.util.Arrays.toString(shape) + ": " + r);
            assertEquals(shape[0] * 10 * shape[2] * shape[3], r.values());
        }
    }
}
