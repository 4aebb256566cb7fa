package io.visionstreams.models.stereo;

import static org.bytedeco.pytorch.global.torch.relu;
import static org.bytedeco.pytorch.global.torch.sqrt;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.ExportableNet;
import io.visionstreams.models.nn.Layers;
import io.visionstreams.models.onnx.OnnxGraphBuilder;
import io.visionstreams.models.train.Init;

/**
 * Siamese, fully convolutional stereo feature network (MC-CNN-fast style): one branch, applied once to
 * the left and once to the right image with the same weights, giving a unit-length feature vector per
 * pixel. The matching cost C(p, d) = 1 − ⟨f_L(p), f_R(p − d)⟩ is computed outside the network
 * ({@link CostVolume}), so the graph is image [N,1,H,W] → features [N,C,H,W] with dynamic H and W.
 *
 * <p><b>Output stride 1, on purpose.</b> Every layer is a 3×3 convolution with stride 1 and padding 1,
 * so features exist at every pixel and the cost volume is at full resolution: no shift-and-stitch, no
 * upsampling, sub-2-px disparity steps stay resolvable (models-patch-stereo.md §9.3 output-stride
 * caveat). The price is that every layer runs at full resolution: MACs per pixel are
 * 9·C + (L − 2)·9·C² + 9·C·C_out, so the width, not the depth, is what the CPU budget limits. A stride-2
 * variant (quarter the conv work) would need explicit upsampling of features or of the disparity and
 * loses the 1-px precision that bad-1 measures; it is not implemented.
 *
 * <p>Receptive field (2L + 1)²: interior outputs depend only on that window, which is what lets the
 * trainer run the branch on small strips cut from whole images ({@link StereoTrainer}).
 *
 * <p>Preprocessing in the graph: pixels in [0, 1] (gray byte / 255), then per-image standardisation
 * (x − mean) / sqrt(var + ε) over the whole image, which cancels the global gain and bias differences
 * between the two cameras. The trainer standardises whole images before cutting strips, so training and
 * inference see the same statistics.
 */
public final class StereoFeatureNet extends Module implements ExportableNet {

    /** layers ≥ 2 convolutions of width channels; the last one outputs outChannels without ReLU. */
    public record Config(int layers, int channels, int outChannels) {
        public Config {
            if (layers < 2 || channels < 1 || outChannels < 1) {
                throw new IllegalArgumentException("bad stereo feature net " + layers + "x" + channels + "->" + outChannels);
            }
        }

        public String name() {
            return "L" + layers + "C" + channels + "F" + outChannels;
        }
    }

    static final double STD_EPS = 1e-4;
    static final double L2_EPS = 1e-12;
    public static final String INPUT = "image";
    public static final String OUTPUT = "features";

    private final Config cfg;
    private final List<Conv2dImpl> convs = new ArrayList<>();

    public StereoFeatureNet(Config cfg) {
        this.cfg = cfg;
        for (int i = 0; i < cfg.layers(); i++) {
            long in = i == 0 ? 1 : cfg.channels();
            long out = i == cfg.layers() - 1 ? cfg.outChannels() : cfg.channels();
            convs.add(register_module("conv" + i, Layers.conv(in, out, 3, 1, 1)));
        }
        Init.apply(this, Init.Scheme.HE_FAN_IN);
    }

    public Config config() {
        return cfg;
    }

    /** Pixels beyond which an output no longer depends on the input (half the receptive field). */
    public int radius() {
        return cfg.layers();
    }

    public long parameterCount() {
        long p = 0;
        for (int i = 0; i < cfg.layers(); i++) {
            long in = i == 0 ? 1 : cfg.channels();
            long out = i == cfg.layers() - 1 ? cfg.outChannels() : cfg.channels();
            p += in * out * 9 + out;
        }
        return p;
    }

    /** Convolution multiply-accumulates per output pixel (normalisation ops excluded). */
    public long macsPerPixel() {
        long m = 0;
        for (int i = 0; i < cfg.layers(); i++) {
            long in = i == 0 ? 1 : cfg.channels();
            long out = i == cfg.layers() - 1 ? cfg.outChannels() : cfg.channels();
            m += in * out * 9;
        }
        return m;
    }

    // ---------------------------------------------------------------- libtorch

    /** Per-image standardisation over H and W (per sample and channel). */
    public static Tensor standardize(Tensor x) {
        long[] hw = {2, 3};
        Tensor c = x.sub(x.mean(hw, true, new ScalarTypeOptional()));
        Tensor var = c.mul(c).mean(hw, true, new ScalarTypeOptional());
        return c.div(sqrt(var.add(new Scalar(STD_EPS))));
    }

    /** The convolutions only, on standardised input; raw (not yet normalised) features. */
    public Tensor body(Tensor x) {
        Tensor h = x;
        for (int i = 0; i < convs.size(); i++) {
            h = convs.get(i).forward(h);
            if (i < convs.size() - 1) {
                h = relu(h);
            }
        }
        return h;
    }

    /** f / sqrt(Σ_c f² + ε): unit length per pixel, so a dot product is the cosine. */
    public static Tensor l2normalize(Tensor f) {
        Tensor ss = f.mul(f).sum(new long[] {1}, true, new ScalarTypeOptional());
        return f.div(sqrt(ss.add(new Scalar(L2_EPS))));
    }

    /** image [N,1,H,W] in [0,1] → unit features [N,C,H,W]. */
    public Tensor features(Tensor image) {
        return l2normalize(body(standardize(image)));
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public List<Input> inputs() {
        return List.of(new Input(INPUT, OnnxGraphBuilder.BATCH, 1, OnnxGraphBuilder.HEIGHT, OnnxGraphBuilder.WIDTH));
    }

    @Override
    public List<String> outputNames() {
        return List.of(OUTPUT);
    }

    @Override
    public List<Tensor> forward(List<Tensor> inputs) {
        return List.of(features(inputs.get(0)));
    }

    // ---------------------------------------------------------------- ONNX (opset 17: reduce axes are attributes)

    @Override
    public void emit(OnnxGraphBuilder g) {
        String x = g.addInput(INPUT, DataType.FLOAT, OnnxGraphBuilder.BATCH, 1, OnnxGraphBuilder.HEIGHT,
                OnnxGraphBuilder.WIDTH);
        String mean = g.node("ReduceMean", List.of(x), OnnxGraphBuilder.attr("axes", 2L, 3L),
                OnnxGraphBuilder.attr("keepdims", 1L));
        String c = g.node("Sub", List.of(x, mean));
        String var = g.node("ReduceMean", List.of(g.mul(c, c)), OnnxGraphBuilder.attr("axes", 2L, 3L),
                OnnxGraphBuilder.attr("keepdims", 1L));
        String stdEps = g.addInitializer("std_eps", new float[] {(float) STD_EPS});
        String h = g.node("Div", List.of(c, g.node("Sqrt", List.of(g.add(var, stdEps)))));
        for (int i = 0; i < convs.size(); i++) {
            h = Export.conv(g, h, convs.get(i), "conv" + i);
            if (i < convs.size() - 1) {
                h = g.relu(h);
            }
        }
        String ss = g.node("ReduceSumSquare", List.of(h), OnnxGraphBuilder.attr("axes", new long[] {1L}),
                OnnxGraphBuilder.attr("keepdims", 1L));
        String l2Eps = g.addInitializer("l2_eps", new float[] {(float) L2_EPS});
        String f = g.node("Div", List.of(h, g.node("Sqrt", List.of(g.add(ss, l2Eps)))));
        g.metadata("preprocessing", "gray byte/255 in [0,1]; per-image standardisation inside the graph");
        g.metadata("matching_cost", "C(p,d) = 1 - <f_L(p), f_R(p - d)>, right x = left x - d");
        g.metadata("output_stride", "1");
        g.addOutput(g.rename(f, OUTPUT), DataType.FLOAT, OnnxGraphBuilder.BATCH, cfg.outChannels(),
                OnnxGraphBuilder.HEIGHT, OnnxGraphBuilder.WIDTH);
    }

    public byte[] exportOnnx(String graphName) {
        OnnxGraphBuilder g = new OnnxGraphBuilder(graphName);
        emit(g);
        return g.toByteArray();
    }
}
