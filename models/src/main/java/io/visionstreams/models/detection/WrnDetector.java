package io.visionstreams.models.detection;

import static org.bytedeco.pytorch.global.torch.adaptive_avg_pool2d;
import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.relu;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.ExportableNet;
import io.visionstreams.models.nn.Layers;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * Single-stage detector on a wide, shallow pre-activation residual backbone (WRN, models-detection.md §3),
 * with the final detection contract (decoder vision-streams-v1, models/README.md).
 *
 * <pre>
 * images [N,3,S,S]
 *  stem    conv3x3 s2 16, BN-ReLU, conv3x3 s2 16                     stride 4
 *  group1  N x B(3,3) pre-act blocks, width 16k, first block s2       stride 8   (C3, AT point 1)
 *  group2  N x B(3,3), width 32k, s2                                  stride 16  (C4, AT point 2)
 *  group3  N x B(3,3), width 64k, s2                                  stride 32  (C5, AT point 3)
 *  FPN     BN-ReLU + 1x1 lateral to `neck` per level, nearest x2 upsample + add top-down,
 *          conv3x3-BN-ReLU smoothing -> P3, P4, P5
 *  head    shared over levels: conv3x3 + ReLU, then 1x1 -> 4 (ltrb) and 1x1 -> C (class logits)
 *  CAM     1x1 conv (neck -> C) on P4 = cams; same conv on GAP(P4) = class_logits
 * </pre>
 * The block is x + conv(BN-ReLU(conv(BN-ReLU(x)))); a 1x1 shortcut on the pre-activated input when the
 * width or stride changes, as in the WRN code. Convs feeding a BN have no bias (BN's β replaces it).
 */
public final class WrnDetector extends Module implements ExportableNet {

    public static final int INPUT_SIZE = StubDetector.INPUT_SIZE;
    public static final int[] STRIDES = StubDetector.STRIDES;
    public static final int CAM_STRIDE = StubDetector.CAM_STRIDE;
    public static final List<String> CLASSES = StubDetector.CLASSES;
    public static final int NUM_ANCHORS = StubDetector.NUM_ANCHORS;
    private static final int STEM = 16;

    /** k: widening factor; blocks: residual blocks per group (depth 6·blocks+4 in WRN notation); neck: FPN width. */
    public record Config(int k, int blocks, int neck, int classes) {
        public static Config teacher() {
            return new Config(3, 1, 64, CLASSES.size());
        }

        public static Config student() {
            return new Config(1, 1, 32, CLASSES.size());
        }

        public int width(int group) {
            return 16 * k << group;
        }

        public String describe() {
            return "WRN-" + (6 * blocks + 4) + "-" + k + " backbone, neck " + neck;
        }
    }

    /** Pre-activation basic block B(3,3). */
    static final class Block extends Module {
        final BatchNorm2dImpl bn1;
        final Conv2dImpl conv1;
        final BatchNorm2dImpl bn2;
        final Conv2dImpl conv2;
        final Conv2dImpl shortcut;
        final int stride;

        Block(int in, int out, int stride) {
            this.stride = stride;
            bn1 = register_module("bn1", Layers.batchNorm(in));
            conv1 = register_module("conv1", conv(in, out, 3, stride, 1, false));
            bn2 = register_module("bn2", Layers.batchNorm(out));
            conv2 = register_module("conv2", conv(out, out, 3, 1, 1, false));
            shortcut = in != out || stride != 1 ? register_module("shortcut", conv(in, out, 1, stride, 0, false)) : null;
        }

        Tensor forward(Tensor x) {
            Tensor o = relu(bn1.forward(x));
            Tensor y = conv2.forward(relu(bn2.forward(conv1.forward(o))));
            return y.add(shortcut != null ? shortcut.forward(o) : x);
        }

        String emit(Em e, String x, String name, int outHw) {
            String o = e.g.relu(Export.batchNorm(e.g, x, bn1, name + ".bn1"));
            String y = e.conv(o, conv1, name + ".conv1", outHw);
            y = e.conv(e.g.relu(Export.batchNorm(e.g, y, bn2, name + ".bn2")), conv2, name + ".conv2", outHw);
            return e.g.add(y, shortcut != null ? e.conv(o, shortcut, name + ".shortcut", outHw) : x);
        }
    }

    /** What the training losses need besides the contract outputs. */
    public record TrainOut(Tensor ltrb, Tensor clsLogits, Tensor cams, Tensor classLogits, List<Tensor> groups) {
    }

    private final Config cfg;
    private final Conv2dImpl stem1;
    private final BatchNorm2dImpl stemBn;
    private final Conv2dImpl stem2;
    private final List<List<Block>> groups = new ArrayList<>();
    private final BatchNorm2dImpl[] outBn = new BatchNorm2dImpl[3];
    private final Conv2dImpl[] lateral = new Conv2dImpl[3];
    private final Conv2dImpl[] smooth = new Conv2dImpl[3];
    private final BatchNorm2dImpl[] smoothBn = new BatchNorm2dImpl[3];
    private final Conv2dImpl tower;
    private final Conv2dImpl reg;
    private final Conv2dImpl cls;
    private final Conv2dImpl cam;

    public WrnDetector(Config cfg) {
        this.cfg = cfg;
        stem1 = register_module("stem1", conv(3, STEM, 3, 2, 1, false));
        stemBn = register_module("stemBn", Layers.batchNorm(STEM));
        stem2 = register_module("stem2", conv(STEM, STEM, 3, 2, 1, false));
        int in = STEM;
        for (int gi = 0; gi < 3; gi++) {
            List<Block> bs = new ArrayList<>();
            int w = cfg.width(gi);
            for (int b = 0; b < cfg.blocks(); b++) {
                bs.add(register_module("g" + gi + "b" + b, new Block(in, w, b == 0 ? 2 : 1)));
                in = w;
            }
            groups.add(bs);
            outBn[gi] = register_module("out" + gi + "Bn", Layers.batchNorm(w));
            lateral[gi] = register_module("lat" + gi, conv(w, cfg.neck(), 1, 1, 0, true));
            smooth[gi] = register_module("smooth" + gi, conv(cfg.neck(), cfg.neck(), 3, 1, 1, false));
            smoothBn[gi] = register_module("smooth" + gi + "Bn", Layers.batchNorm(cfg.neck()));
        }
        tower = register_module("tower", conv(cfg.neck(), cfg.neck(), 3, 1, 1, true));
        reg = register_module("reg", conv(cfg.neck(), 4, 1, 1, 0, true));
        cls = register_module("cls", conv(cfg.neck(), cfg.classes(), 1, 1, 0, true));
        cam = register_module("cam", conv(cfg.neck(), cfg.classes(), 1, 1, 0, true));
        try (NoGradGuard ng = new NoGradGuard()) {
            // prediction layers N(0, 0.01) and a 0.01 class prior (RetinaNet/FCOS): the untrained net starts
            // with boxes near anchor ± stride and few confident scores, so the focal loss starts well-conditioned
            reg.weight().normal_(0, 0.01, new org.bytedeco.pytorch.GeneratorOptional());
            reg.bias().zero_();
            cls.weight().normal_(0, 0.01, new org.bytedeco.pytorch.GeneratorOptional());
            cls.bias().fill_(new Scalar(StubDetector.PRIOR_BIAS));
        }
    }

    public Config config() {
        return cfg;
    }

    static Conv2dImpl conv(long in, long out, long k, long s, long p, boolean bias) {
        Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(k, k));
        o.stride().put(new long[] {s, s});
        o.padding().put(new LongPointer(p, p));
        o.bias().put(bias);
        return new Conv2dImpl(o);
    }

    /** Nearest ×2 upsampling as broadcast + reshape (identical to ONNX Resize nearest/asymmetric/floor). */
    static Tensor up2(Tensor x) {
        long[] s = x.sizes().vec().get();
        return x.unsqueeze(3).unsqueeze(5).expand(s[0], s[1], s[2], 2, s[3], 2).reshape(s[0], s[1], 2 * s[2], 2 * s[3]);
    }

    /** [N,K,H,W] -> [N,H*W,K]: anchors row-major (y then x) within a level, as the contract orders them. */
    static Tensor perAnchor(Tensor x) {
        long[] s = x.sizes().vec().get();
        return x.reshape(s[0], s[1], s[2] * s[3]).permute(0, 2, 1);
    }

    public TrainOut forwardTrain(Tensor images) {
        Tensor x = stem2.forward(relu(stemBn.forward(stem1.forward(images))));
        List<Tensor> c = new ArrayList<>();
        for (List<Block> bs : groups) {
            for (Block b : bs) {
                x = b.forward(x);
            }
            c.add(x);
        }
        Tensor[] lat = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            lat[i] = lateral[i].forward(relu(outBn[i].forward(c.get(i))));
        }
        Tensor p5 = lat[2];
        Tensor p4 = lat[1].add(up2(p5));
        Tensor p3 = lat[0].add(up2(p4));
        Tensor[] p = {p3, p4, p5};
        TensorVector regs = new TensorVector();
        TensorVector clss = new TensorVector();
        Tensor p4s = null;
        for (int i = 0; i < 3; i++) {
            Tensor f = relu(smoothBn[i].forward(smooth[i].forward(p[i])));
            if (i == 1) {
                p4s = f;
            }
            Tensor t = relu(tower.forward(f));
            regs.push_back(perAnchor(reg.forward(t)));
            clss.push_back(perAnchor(cls.forward(t)));
        }
        Tensor cams = cam.forward(p4s);
        Tensor classLogits = cam.forward(adaptive_avg_pool2d(p4s, 1, 1)).flatten(1, -1);
        return new TrainOut(cat(regs, 1), cat(clss, 1), cams, classLogits, c);
    }

    /** Anchor centres [1,A,4] (cx,cy,cx,cy) and signed strides [1,A,4] (-s,-s,s,s) for a square input. */
    public static float[][] anchorTables(int size) {
        int a = StubDetector.anchorCount(size, STRIDES);
        float[] centre = new float[a * 4];
        float[] scale = new float[a * 4];
        int k = 0;
        for (int s : STRIDES) {
            int n = size / s;
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++, k++) {
                    float cx = (i + 0.5f) * s;
                    float cy = (j + 0.5f) * s;
                    System.arraycopy(new float[] {cx, cy, cx, cy}, 0, centre, k * 4, 4);
                    System.arraycopy(new float[] {-s, -s, s, s}, 0, scale, k * 4, 4);
                }
            }
        }
        return new float[][] {centre, scale};
    }

    static Tensor tensor(float[] data, long... shape) {
        return torch.from_blob(new FloatPointer(data), shape).clone();
    }

    /** box = centre + exp(ltrb)·(-s,-s,s,s), the contract's decode. */
    public static Tensor decode(Tensor ltrb, int size) {
        float[][] t = anchorTables(size);
        long a = t[0].length / 4;
        return tensor(t[0], 1, a, 4).add(ltrb.exp().mul(tensor(t[1], 1, a, 4)));
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public List<Input> inputs() {
        return List.of(new Input("images", OnnxGraphBuilder.BATCH, 3, INPUT_SIZE, INPUT_SIZE));
    }

    @Override
    public List<String> outputNames() {
        return List.of("boxes", "scores", "cams", "class_logits");
    }

    @Override
    public List<Tensor> forward(List<Tensor> inputs) {
        Tensor x = inputs.get(0);
        TrainOut o = forwardTrain(x);
        int size = (int) x.size(2);
        return List.of(decode(o.ltrb(), size), o.clsLogits().sigmoid(), o.cams(), o.classLogits());
    }

    // ---------------------------------------------------------------- ONNX

    /** Emission context: the graph plus multiply-accumulate accounting for the model card. */
    static final class Em {
        final OnnxGraphBuilder g;
        long macs;

        Em(OnnxGraphBuilder g) {
            this.g = g;
        }

        String conv(String x, Conv2dImpl c, String name, int outHw) {
            macs += c.weight().numel() * (long) outHw * outHw;
            return Export.conv(g, x, c, name);
        }
    }

    @Override
    public void emit(OnnxGraphBuilder g) {
        emitCounting(g);
    }

    /** Emits the graph; returns MACs per 320×320 image (convolutions). */
    public long emitCounting(OnnxGraphBuilder g) {
        Em e = new Em(g);
        int c = cfg.classes();
        g.metadata("decoder", StubDetector.DECODER).metadata("classes", String.join(",", CLASSES));
        String x = g.addInput("images", DataType.FLOAT, OnnxGraphBuilder.BATCH, 3, INPUT_SIZE, INPUT_SIZE);
        int hw = INPUT_SIZE / 2;
        x = e.conv(x, stem1, "stem1", hw);
        hw /= 2;
        x = e.conv(g.relu(Export.batchNorm(g, x, stemBn, "stemBn")), stem2, "stem2", hw);
        String[] cs = new String[3];
        for (int gi = 0; gi < 3; gi++) {
            hw /= 2;
            List<Block> bs = groups.get(gi);
            for (int b = 0; b < bs.size(); b++) {
                x = bs.get(b).emit(e, x, "g" + gi + "b" + b, hw);
            }
            cs[gi] = x;
        }
        int s5 = INPUT_SIZE / 32;
        String[] lat = new String[3];
        for (int i = 0; i < 3; i++) {
            lat[i] = e.conv(g.relu(Export.batchNorm(g, cs[i], outBn[i], "out" + i + "Bn")), lateral[i], "lat" + i,
                    s5 << (2 - i));
        }
        String p5 = lat[2];
        String p4 = g.add(lat[1], g.resizeNearest(p5, 1f, 1f, 2f, 2f));
        String p3 = g.add(lat[0], g.resizeNearest(p4, 1f, 1f, 2f, 2f));
        String[] p = {p3, p4, p5};
        List<String> regs = new ArrayList<>();
        List<String> clss = new ArrayList<>();
        String p4s = null;
        for (int i = 0; i < 3; i++) {
            int lhw = INPUT_SIZE / STRIDES[i];
            String f = g.relu(Export.batchNorm(g, e.conv(p[i], smooth[i], "smooth" + i, lhw), smoothBn[i],
                    "smooth" + i + "Bn"));
            if (i == 1) {
                p4s = f;
            }
            // the shared head: emitted once per level under per-level names (same weights, duplicated
            // initialisers cost only a few KB)
            String t = g.relu(e.conv(f, tower, "tower@s" + STRIDES[i], lhw));
            regs.add(g.transpose(g.reshape(e.conv(t, reg, "reg@s" + STRIDES[i], lhw), 0, 4, -1), 0, 2, 1));
            clss.add(g.transpose(g.reshape(e.conv(t, cls, "cls@s" + STRIDES[i], lhw), 0, c, -1), 0, 2, 1));
        }
        float[][] at = anchorTables(INPUT_SIZE);
        String centreT = g.addInitializer("anchors.centre", at[0], 1, NUM_ANCHORS, 4);
        String scaleT = g.addInitializer("anchors.scale", at[1], 1, NUM_ANCHORS, 4);
        String ltrb = g.exp(g.concat(1, regs.toArray(String[]::new)));
        g.rename(g.add(centreT, g.mul(ltrb, scaleT)), "boxes");
        g.rename(g.sigmoid(g.concat(1, clss.toArray(String[]::new))), "scores");
        // CAM: the GAP classifier's 1x1 conv applied before pooling; one set of weights for both outputs,
        // so mean(cams) == class_logits by linearity
        g.rename(e.conv(p4s, cam, "cam", INPUT_SIZE / CAM_STRIDE), "cams");
        g.rename(g.flatten(Export.conv(g, g.globalAveragePool(p4s), cam, "cam_gap"), 1), "class_logits");
        int camHw = INPUT_SIZE / CAM_STRIDE;
        g.addOutput("boxes", DataType.FLOAT, OnnxGraphBuilder.BATCH, NUM_ANCHORS, 4);
        g.addOutput("scores", DataType.FLOAT, OnnxGraphBuilder.BATCH, NUM_ANCHORS, c);
        g.addOutput("cams", DataType.FLOAT, OnnxGraphBuilder.BATCH, c, camHw, camHw);
        g.addOutput("class_logits", DataType.FLOAT, OnnxGraphBuilder.BATCH, c);
        return e.macs;
    }

    /** Trainable parameters (BN running statistics excluded). */
    public long parameterCount() {
        long n = 0;
        var ps = parameters();
        for (long i = 0; i < ps.size(); i++) {
            n += ps.get(i).numel();
        }
        return n;
    }
}
