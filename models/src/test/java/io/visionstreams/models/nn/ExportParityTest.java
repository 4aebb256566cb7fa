package io.visionstreams.models.nn;

import static org.bytedeco.pytorch.global.torch.flatten;
import static org.bytedeco.pytorch.global.torch.relu;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

/** The shared layer exporters reproduce libtorch: conv (stride, padding), batch norm (eval), linear. */
class ExportParityTest {

    static final class Tiny extends Module implements ExportableNet {
        final Conv2dImpl c1 = register_module("c1", Layers.conv(2, 8, 3, 2, 1));
        final BatchNorm2dImpl bn = register_module("bn", Layers.batchNorm(8));
        final LinearImpl fc = register_module("fc", Layers.linear(8 * 4 * 4, 3));

        @Override
        public Module module() {
            return this;
        }

        @Override
        public List<Input> inputs() {
            return List.of(new Input("x", OnnxGraphBuilder.BATCH, 2, 8, 8));
        }

        @Override
        public List<String> outputNames() {
            return List.of("y");
        }

        @Override
        public List<Tensor> forward(List<Tensor> in) {
            return List.of(fc.forward(flatten(relu(bn.forward(c1.forward(in.get(0)))), 1, -1)));
        }

        @Override
        public void emit(OnnxGraphBuilder g) {
            String x = g.addInput("x", DataType.FLOAT, OnnxGraphBuilder.BATCH, 2, 8, 8);
            String h = g.relu(Export.batchNorm(g, Export.conv(g, x, c1, "c1"), bn, "bn"));
            g.addOutput(g.rename(Export.linear(g, g.flatten(h, 1), fc, "fc"), "y"), DataType.FLOAT,
                    OnnxGraphBuilder.BATCH, 3);
        }
    }

    @Test
    void tinyNetMatchesOnnxRuntime() throws Exception {
        Tiny net = new Tiny();
        // make the running statistics non-trivial, as after training
        net.train(true);
        for (int i = 0; i < 3; i++) {
            net.forward(List.of(org.bytedeco.pytorch.global.torch.randn(16, 2, 8, 8)));
        }
        OnnxParity.Result r = OnnxParity.check(net, "tiny", 5, 7);
        assertTrue(r.within(1e-4), "parity " + r);
        assertTrue(r.values() == 15);
    }
}
