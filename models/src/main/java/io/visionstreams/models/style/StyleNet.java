package io.visionstreams.models.style;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.ones;
import static org.bytedeco.pytorch.global.torch.reflection_pad2d;
import static org.bytedeco.pytorch.global.torch.relu;
import static org.bytedeco.pytorch.global.torch.tanh;
import static org.bytedeco.pytorch.global.torch.upsample_nearest2d;
import static org.bytedeco.pytorch.global.torch.zeros;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.ExportableNet;
import io.visionstreams.models.nn.Layers;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * Feed-forward multi-style stylisation network (models-stylisation.md §1, table 5.1 with the typos
 * corrected) in which EVERY normalisation is conditional instance norm with per-style γ/β tables [S, C].
 *
 * <p>Style selection is a weight vector ρ [N, S] (one-hot for one style); each layer uses
 * γ̄ = ρ·Γ/Σρ and β̄ = ρ·B/Σρ (weighted instance norm, §7), so blending needs no extra graph.
 *
 * <p>I/O convention (chosen because the loss network is self-built, §8.4): input RGB NCHW in [-1, 1]
 * ({@code (pixel/255 - 0.5)/0.5}); output {@code tanh(·)} in the same space, so the inverse of the
 * input preprocessing turns it back into pixels. H and W must be multiples of 4 (§2).
 */
public final class StyleNet extends Module implements ExportableNet {

    public static final int SIZE_MULTIPLE = 4;
    static final double EPS = 1e-5;
    static final String IMAGES = "images";
    static final String WEIGHTS = "style_weights";
    static final String OUTPUT = "stylized";
    /** Nominal spatial size declared by {@link #emit}; {@link StyleExport} makes H and W symbolic. */
    static final long NOMINAL = 256;

    /** A reflection-padded valid conv followed by a conditional instance norm. */
    private record ConvNorm(String name, Conv2dImpl conv, int kernel, Tensor gamma, Tensor beta) {
    }

    private final int numStyles;
    private final int width;
    private final List<ConvNorm> layers = new ArrayList<>();

    /** @param width width factor: 1 gives 16/32/64 filters, 2 gives Johnson's 32/64/128 */
    public StyleNet(int numStyles, int width, long seed) {
        if (numStyles < 1 || width < 1) {
            throw new IllegalArgumentException("numStyles and width must be >= 1");
        }
        this.numStyles = numStyles;
        this.width = width;
        manual_seed(seed);
        int c1 = 16 * width;
        int c2 = 32 * width;
        int c3 = 64 * width;
        add("conv1", 3, c1, 9, 1);
        add("down1", c1, c2, 3, 2);
        add("down2", c2, c3, 3, 2);
        for (int r = 0; r < 5; r++) {
            add("res" + r + "a", c3, c3, 3, 1);
            add("res" + r + "b", c3, c3, 3, 1);
        }
        add("up1", c3, c2, 3, 1);
        add("up2", c2, c1, 3, 1);
        add("out", c1, 3, 9, 1);
    }

    private void add(String name, int in, int out, int k, int stride) {
        Conv2dImpl c = register_module(name, Layers.conv(in, out, k, stride, 0));
        try (NoGradGuard g = new NoGradGuard()) {
            // Gaussian init (dissertation text: std 0.05); IN after every conv makes the scale mostly irrelevant
            c.weight().normal_(0, 0.05, new GeneratorOptional());
            c.bias().zero_();
        }
        // new Tensor(...): register_parameter returns a reference that a later registration can invalidate (§6.3)
        Tensor gamma = new Tensor(register_parameter(name + "_gamma", ones(numStyles, out)));
        Tensor beta = new Tensor(register_parameter(name + "_beta", zeros(numStyles, out)));
        layers.add(new ConvNorm(name, c, k, gamma, beta));
    }

    public int numStyles() {
        return numStyles;
    }

    public int width() {
        return width;
    }

    /** The [S, C] γ table of layer {@code i} (0 = conv1 ... 15 = out); for tests and the model card. */
    public Tensor gammaTable(int i) {
        return layers.get(i).gamma();
    }

    public Tensor betaTable(int i) {
        return layers.get(i).beta();
    }

    public int numNormLayers() {
        return layers.size();
    }

    // ---------------------------------------------------------------- libtorch forward

    /**
     * @param x       [N, 3, H, W] with H, W multiples of 4
     * @param weights [N, S] non-negative style weights, not all zero per row
     */
    public Tensor forward(Tensor x, Tensor weights) {
        long h = x.size(2);
        long w = x.size(3);
        if (h % SIZE_MULTIPLE != 0 || w % SIZE_MULTIPLE != 0) {
            throw new IllegalArgumentException("H and W must be multiples of 4, got " + h + "x" + w
                    + " (use StyleImages.padToMultipleOf4)");
        }
        Tensor rho = weights.div(weights.sum(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()));
        int i = 0;
        Tensor y = relu(block(x, layers.get(i++), rho));
        y = relu(block(y, layers.get(i++), rho));
        y = relu(block(y, layers.get(i++), rho));
        for (int r = 0; r < 5; r++) {
            Tensor t = relu(block(y, layers.get(i++), rho));
            y = y.add(block(t, layers.get(i++), rho));
        }
        for (int u = 0; u < 2; u++) {
            y = upsample_nearest2d(y, y.size(2) * 2, y.size(3) * 2);
            y = relu(block(y, layers.get(i++), rho));
        }
        return tanh(block(y, layers.get(i), rho));
    }

    private static Tensor block(Tensor x, ConvNorm l, Tensor rho) {
        long p = (l.kernel() - 1) / 2;
        Tensor y = l.conv().forward(reflection_pad2d(x, p, p, p, p));
        return cin(y, rho.matmul(l.gamma()), rho.matmul(l.beta()));
    }

    /** Instance norm (biased variance, ε 1e-5) with per-sample γ̄, β̄ [N, C]. */
    static Tensor cin(Tensor y, Tensor gamma, Tensor beta) {
        long[] hw = {2, 3};
        var none = new org.bytedeco.pytorch.ScalarTypeOptional();
        Tensor centred = y.sub(y.mean(hw, true, none));
        Tensor var = centred.square().mean(hw, true, none);
        Tensor norm = centred.mul(var.add(new org.bytedeco.pytorch.Scalar(EPS)).rsqrt());
        return norm.mul(gamma.unsqueeze(2).unsqueeze(3)).add(beta.unsqueeze(2).unsqueeze(3));
    }

    // ---------------------------------------------------------------- ExportableNet

    @Override
    public Module module() {
        return this;
    }

    @Override
    public List<Input> inputs() {
        return List.of(new Input(IMAGES, OnnxGraphBuilder.BATCH, 3, NOMINAL, NOMINAL),
                new Input(WEIGHTS, OnnxGraphBuilder.BATCH, numStyles));
    }

    @Override
    public List<String> outputNames() {
        return List.of(OUTPUT);
    }

    @Override
    public List<Tensor> forward(List<Tensor> inputs) {
        return List.of(forward(inputs.get(0), inputs.get(1)));
    }

    /**
     * Emits the same layers: Pad(reflect) → Conv(valid) → InstanceNormalization(scale 1, bias 0) →
     * MatMul(ρ̂, Γ) → Unsqueeze → Mul → Add, per layer. Declares a nominal 256×256 size; use
     * {@link StyleExport#toOnnx} for the graph with symbolic H and W.
     */
    @Override
    public void emit(OnnxGraphBuilder g) {
        String x = g.addInput(IMAGES, DataType.FLOAT, OnnxGraphBuilder.BATCH, 3, NOMINAL, NOMINAL);
        String w = g.addInput(WEIGHTS, DataType.FLOAT, OnnxGraphBuilder.BATCH, numStyles);
        String axis1 = g.addInt64Initializer("axes_1", new long[] {1}, 1);
        String axes23 = g.addInt64Initializer("axes_2_3", new long[] {2, 3}, 2);
        String sum = g.node("ReduceSum", List.of(w, axis1), OnnxGraphBuilder.attr("keepdims", 1L));
        String rho = g.node("Div", List.of(w, sum));
        Emit e = new Emit(g, rho, axes23);
        int i = 0;
        String y = g.relu(e.block(x, layers.get(i++)));
        y = g.relu(e.block(y, layers.get(i++)));
        y = g.relu(e.block(y, layers.get(i++)));
        for (int r = 0; r < 5; r++) {
            String t = g.relu(e.block(y, layers.get(i++)));
            y = g.add(y, e.block(t, layers.get(i++)));
        }
        for (int u = 0; u < 2; u++) {
            y = g.resizeNearest(y, 1f, 1f, 2f, 2f);
            y = g.relu(e.block(y, layers.get(i++)));
        }
        String out = g.node("Tanh", List.of(e.block(y, layers.get(i))));
        g.addOutput(g.rename(out, OUTPUT), DataType.FLOAT, OnnxGraphBuilder.BATCH, 3, NOMINAL, NOMINAL);
    }

    /** Per-graph emission state: shared pads, IN scale/bias constants per channel count. */
    private static final class Emit {
        final OnnxGraphBuilder g;
        final String rho;
        final String axes23;
        final java.util.Map<Long, String> pads = new java.util.HashMap<>();
        final java.util.Map<Long, String[]> unitNorm = new java.util.HashMap<>();

        Emit(OnnxGraphBuilder g, String rho, String axes23) {
            this.g = g;
            this.rho = rho;
            this.axes23 = axes23;
        }

        String block(String x, ConvNorm l) {
            long p = (l.kernel() - 1) / 2;
            // ONNX pads order: [x1_begin, x2_begin, x3_begin, x4_begin, x1_end, ...]; only H and W are padded
            String pad = pads.computeIfAbsent(p, k -> g.addInt64Initializer("pads_reflect_" + k,
                    new long[] {0, 0, k, k, 0, 0, k, k}, 8));
            String padded = g.node("Pad", List.of(x, pad), OnnxGraphBuilder.attr("mode", "reflect"));
            String conv = Export.conv(g, padded, l.conv(), l.name());
            long c = Export.shape(l.gamma())[1];
            String[] sb = unitNorm.computeIfAbsent(c, k -> {
                float[] one = new float[(int) (long) k];
                Arrays.fill(one, 1f);
                return new String[] {g.addInitializer("in_scale_" + k, one, k),
                        g.addInitializer("in_bias_" + k, new float[(int) (long) k], k)};
            });
            String norm = g.node("InstanceNormalization", List.of(conv, sb[0], sb[1]),
                    OnnxGraphBuilder.attr("epsilon", (float) EPS));
            String gt = g.addInitializer(l.name() + ".gamma", Export.data(l.gamma()), Export.shape(l.gamma()));
            String bt = g.addInitializer(l.name() + ".beta", Export.data(l.beta()), Export.shape(l.beta()));
            String gamma = g.node("Unsqueeze", List.of(g.node("MatMul", List.of(rho, gt)), axes23));
            String beta = g.node("Unsqueeze", List.of(g.node("MatMul", List.of(rho, bt)), axes23));
            return g.add(g.mul(norm, gamma), beta);
        }
    }

    /** Conv parameters (weights + biases), excluding the CIN tables. */
    public long convParameters() {
        long n = 0;
        for (ConvNorm l : layers) {
            n += l.conv().weight().numel() + l.conv().bias().numel();
        }
        return n;
    }

    /** γ and β values per style (2 × Σ channels). */
    public long normParametersPerStyle() {
        long n = 0;
        for (ConvNorm l : layers) {
            n += 2 * l.gamma().size(1);
        }
        return n;
    }

    /** Multiply-accumulates of the convolutions for one H×W image (norms, pads and adds excluded). */
    public long macs(long h, long w) {
        long total = 0;
        long ch = h;
        long cw = w;
        int i = 0;
        for (ConvNorm l : layers) {
            String n = l.name();
            if (n.startsWith("down")) {
                ch = (ch + 1) / 2;
                cw = (cw + 1) / 2;
            } else if (n.startsWith("up")) {
                ch *= 2;
                cw *= 2;
            }
            long[] s = Export.shape(l.conv().weight());
            total += ch * cw * s[0] * s[1] * s[2] * s[3];
            i++;
        }
        return total;
    }
}
