package io.visionstreams.models.patch;

import java.util.List;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import static org.bytedeco.pytorch.global.torch.avg_pool2d;
import static org.bytedeco.pytorch.global.torch.sqrt;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;

import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * The small ops every patch net shares, each in libtorch and in ONNX (opset 17) so the two agree:
 * per-patch mean subtraction, central crop, 2×2 downsampling, l2 normalisation, batch split.
 */
public final class PatchOps {

    /** Patches are 64×64; the two-stream central crop removes 16 px per side (models-patch-stereo.md §2.2). */
    public static final int SIZE = 64;
    static final int CROP = 16;
    static final double L2_EPS = 1e-12;

    private PatchOps() {
    }

    /** x − mean over each patch's own pixels (per sample and channel): the input contract (§1). */
    public static Tensor subtractPatchMean(Tensor x) {
        return x.sub(x.mean(new long[] {2, 3}, true, new ScalarTypeOptional()));
    }

    static String subtractPatchMean(OnnxGraphBuilder g, String x) {
        String m = g.node("ReduceMean", List.of(x), OnnxGraphBuilder.attr("axes", 2L, 3L),
                OnnxGraphBuilder.attr("keepdims", 1L));
        return g.node("Sub", List.of(x, m));
    }

    static Tensor centralCrop(Tensor x) {
        return x.narrow(2, CROP, SIZE - 2 * CROP).narrow(3, CROP, SIZE - 2 * CROP);
    }

    static String centralCrop(OnnxGraphBuilder g, String x) {
        return slice(g, x, new long[] {CROP, CROP}, new long[] {SIZE - CROP, SIZE - CROP}, new long[] {2, 3});
    }

    static String slice(OnnxGraphBuilder g, String x, long[] starts, long[] ends, long[] axes) {
        String s = g.addInt64Initializer(g.fresh("starts"), starts, starts.length);
        String e = g.addInt64Initializer(g.fresh("ends"), ends, ends.length);
        String a = g.addInt64Initializer(g.fresh("axes"), axes, axes.length);
        return g.node("Slice", List.of(x, s, e, a));
    }

    static Tensor downsample2(Tensor x) {
        return avg_pool2d(x, new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, false, true, new LongOptional());
    }

    static String avgPool(OnnxGraphBuilder g, String x, int k, int s) {
        return g.node("AveragePool", List.of(x), OnnxGraphBuilder.attr("kernel_shape", (long) k, (long) k),
                OnnxGraphBuilder.attr("strides", (long) s, (long) s));
    }

    /** d / sqrt(Σd² + ε) along dim 1. */
    static Tensor l2normalize(Tensor d) {
        return d.div(sqrt(d.pow(new Scalar(2)).sum(new long[] {1}, true, new ScalarTypeOptional()).add(new Scalar(L2_EPS))));
    }

    static String l2normalize(OnnxGraphBuilder g, String d) {
        String ss = g.node("ReduceSumSquare", List.of(d), OnnxGraphBuilder.attr("axes", new long[] {1L}),
                OnnxGraphBuilder.attr("keepdims", 1L));
        String eps = g.addInitializer(g.fresh("eps"), new float[] {(float) L2_EPS});
        String n = g.node("Sqrt", List.of(g.add(ss, eps)));
        return g.node("Div", List.of(d, n));
    }

    /** Splits along the batch axis into two equal halves (opset 13–17: equal split without sizes). */
    static String[] splitBatch(OnnxGraphBuilder g, String x) {
        String a = g.fresh("half");
        String b = g.fresh("half");
        g.node("Split", List.of(x), List.of(a, b), OnnxGraphBuilder.attr("axis", 0L));
        return new String[] {a, b};
    }
}
