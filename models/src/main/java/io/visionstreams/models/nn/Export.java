package io.visionstreams.models.nn;

import java.util.List;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * Emits libtorch layers into an ONNX graph with their current weights. Each model's exporter walks the
 * same layer objects its {@code forward} uses, so a model is defined once (platform notes §7.2).
 */
public final class Export {

    private Export() {
    }

    /** A tensor's values, row-major, as float32. */
    public static float[] data(Tensor t) {
        Tensor c = t.detach().contiguous().to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }

    /** Conv with its own stride and padding (read from the module's options). */
    public static String conv(OnnxGraphBuilder g, String x, Conv2dImpl c, String name) {
        Tensor w = c.weight();
        long[] ws = shape(w);
        String wName = g.addInitializer(name + ".weight", data(w), ws);
        String bName = c.options().bias().get() ? g.addInitializer(name + ".bias", data(c.bias()), ws[0]) : null;
        long[] stride = {c.options().stride().get(0), c.options().stride().get(1)};
        long[] pad = padding(c);
        return g.conv(x, wName, bName, new long[] {ws[2], ws[3]}, stride, new long[] {pad[0], pad[1], pad[0], pad[1]},
                (int) c.options().groups().get());
    }

    private static long[] padding(Conv2dImpl c) {
        // padding is a variant (explicit sizes, or "valid"/"same"); our factories always set explicit sizes
        var p = c.options().padding().get0();
        return new long[] {p.get(0), p.get(1)};
    }

    /** Linear layer y = x·Wᵀ + b as Gemm with transB = 1. */
    public static String linear(OnnxGraphBuilder g, String x, LinearImpl l, String name) {
        Tensor w = l.weight();
        long[] ws = shape(w);
        String wName = g.addInitializer(name + ".weight", data(w), ws);
        String bName = g.addInitializer(name + ".bias", data(l.bias()), ws[0]);
        return g.node("Gemm", List.of(x, wName, bName), OnnxGraphBuilder.attr("transB", 1L));
    }

    /** Batch norm in eval mode (running statistics). */
    public static String batchNorm(OnnxGraphBuilder g, String x, BatchNorm2dImpl bn, String name) {
        long c = bn.options().num_features().get();
        return g.batchNorm(x,
                g.addInitializer(name + ".weight", data(bn.weight()), c),
                g.addInitializer(name + ".bias", data(bn.bias()), c),
                g.addInitializer(name + ".running_mean", data(bn.running_mean()), c),
                g.addInitializer(name + ".running_var", data(bn.running_var()), c),
                (float) bn.options().eps().get());
    }
}
