package io.visionstreams.models.detection;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Untrained stand-in for the detector, with the final I/O contract (decoder "vision-streams-v1",
 * see models/README.md). The architecture is written here as code; weights come from a seeded
 * generator, so the same seed gives a byte-identical ONNX file.
 *
 * <pre>
 * images [N,3,320,320]
 *  stem   conv3x3 s2 16          -> 160  (stride 2)
 *  stage1 conv3x3 s2 24 + res    ->  80  (stride 4)
 *  stage2 conv3x3 s2 32 + res    ->  40  (stride 8)   C3
 *  stage3 conv3x3 s2 48 + res    ->  20  (stride 16)  C4
 *  stage4 conv3x3 s2 64 + res    ->  10  (stride 32)  C5
 *  FPN    1x1 laterals to 32, top-down nearest x2 upsample + add, conv3x3 smooth  -> P3,P4,P5
 *  head   shared over levels: conv3x3 32 + ReLU, then 1x1 -> 4 (ltrb) and 1x1 -> C (class logits)
 *  CAM    on P4: GAP + linear (as a 1x1 conv) -> class_logits; same 1x1 conv on P4 -> cams
 * </pre>
 * "res" is a one-conv residual unit x + ReLU(BN(conv3x3(x))), which keeps the weights small.
 */
public final class StubDetector {

    public static final int INPUT_SIZE = 320;
    public static final int[] STRIDES = {8, 16, 32};
    public static final int CAM_STRIDE = 16;
    public static final List<String> CLASSES = List.of("circle", "rectangle", "triangle");
    public static final int NUM_ANCHORS = anchorCount(INPUT_SIZE, STRIDES);
    public static final String DECODER = "vision-streams-v1";
    /** Class-head bias for a prior probability of 0.01 (RetinaNet), so the untrained stub emits few boxes. */
    public static final float PRIOR_BIAS = (float) -Math.log((1 - 0.01) / 0.01);

    private static final int[] WIDTHS = {16, 24, 32, 48, 64};
    private static final int NECK = 32;
    private static final float BN_EPS = 1e-5f;
    /** Prediction layers use N(0, 0.01) (RetinaNet/FCOS practice): untrained boxes stay near anchor ± stride. */
    private static final double HEAD_STD = 0.01;

    /** One weighted layer, for parameter and FLOP accounting (model card). */
    public record Layer(String name, String op, int inC, int outC, int kernel, int stride, int outH, int outW,
                        long params, long macs) {
    }

    /** The exported model and its layer list. */
    public record Export(ModelProto model, List<Layer> layers) {
        public long parameters() {
            return layers.stream().mapToLong(Layer::params).sum();
        }

        /** Multiply-accumulates per image; FLOPs are conventionally 2 x MACs. */
        public long macs() {
            return layers.stream().mapToLong(Layer::macs).sum();
        }

        public byte[] bytes() {
            return model.toByteArray();
        }
    }

    private final OnnxGraphBuilder g = new OnnxGraphBuilder("stub_detector");
    private final Random rnd;
    private final boolean zeroRegression;
    private final List<Layer> layers = new ArrayList<>();

    private StubDetector(long seed, boolean zeroRegression) {
        this.rnd = new Random(seed);
        this.zeroRegression = zeroRegression;
    }

    public static Export build(long seed) {
        return build(seed, false);
    }

    /**
     * @param zeroRegression zero the ltrb head (weights and bias), so every box is exactly its anchor
     *                       centre ± stride; used by tests to check the in-graph decoding geometry
     */
    public static Export build(long seed, boolean zeroRegression) {
        StubDetector d = new StubDetector(seed, zeroRegression);
        ModelProto m = d.define(seed);
        return new Export(m, Collections.unmodifiableList(d.layers));
    }

    public static int anchorCount(int inputSize, int... strides) {
        int a = 0;
        for (int s : strides) {
            a += (inputSize / s) * (inputSize / s);
        }
        return a;
    }

    private ModelProto define(long seed) {
        int c = CLASSES.size();
        g.docString("Untrained stub detector (seed " + seed + "); I/O contract " + DECODER)
                .producerVersion("0-stub")
                .metadata("decoder", DECODER)
                .metadata("classes", String.join(",", CLASSES));

        String x = g.addInput("images", TensorProto.DataType.FLOAT, OnnxGraphBuilder.BATCH, 3, INPUT_SIZE, INPUT_SIZE);
        int size = INPUT_SIZE;

        // Backbone: each stage halves the resolution.
        x = convBnRelu("stem", x, 3, WIDTHS[0], 3, 2, size /= 2);
        String[] c345 = new String[3];
        for (int stage = 1; stage < WIDTHS.length; stage++) {
            x = convBnRelu("stage" + stage + ".down", x, WIDTHS[stage - 1], WIDTHS[stage], 3, 2, size /= 2);
            x = g.add(x, convBnRelu("stage" + stage + ".res", x, WIDTHS[stage], WIDTHS[stage], 3, 1, size));
            if (stage >= 2) {
                c345[stage - 2] = x;
            }
        }

        // FPN top-down: deeper, more semantic levels are upsampled and added into shallower ones.
        int s5 = INPUT_SIZE / 32;
        String p5 = conv("fpn.lat5", c345[2], WIDTHS[4], NECK, 1, 1, s5, he(WIDTHS[4]), 0f);
        String p4 = g.add(conv("fpn.lat4", c345[1], WIDTHS[3], NECK, 1, 1, s5 * 2, he(WIDTHS[3]), 0f),
                g.resizeNearest(p5, 1f, 1f, 2f, 2f));
        String p3 = g.add(conv("fpn.lat3", c345[0], WIDTHS[2], NECK, 1, 1, s5 * 4, he(WIDTHS[2]), 0f),
                g.resizeNearest(p4, 1f, 1f, 2f, 2f));
        String[] p = {
                convBnRelu("fpn.smooth3", p3, NECK, NECK, 3, 1, s5 * 4),
                convBnRelu("fpn.smooth4", p4, NECK, NECK, 3, 1, s5 * 2),
                convBnRelu("fpn.smooth5", p5, NECK, NECK, 3, 1, s5),
        };

        // Shared head weights (one set for all levels, as in FCOS/RetinaNet).
        String towerW = weights("head.tower.w", NECK, NECK, 3, he(NECK * 9));
        String towerB = constant("head.tower.b", NECK, 0f);
        String regW = weights("head.reg.w", 4, NECK, 1, zeroRegression ? 0 : HEAD_STD);
        String regB = constant("head.reg.b", 4, 0f);
        String clsW = weights("head.cls.w", c, NECK, 1, HEAD_STD);
        String clsB = constant("head.cls.b", c, PRIOR_BIAS);
        List<String> regs = new ArrayList<>();
        List<String> clss = new ArrayList<>();
        for (int l = 0; l < STRIDES.length; l++) {
            int hw = INPUT_SIZE / STRIDES[l];
            String t = g.relu(g.conv(p[l], towerW, towerB, 3, 1, 1, 1));
            account("head.tower@s" + STRIDES[l], NECK, NECK, 3, 1, hw, NECK * NECK * 9 + NECK, l == 0);
            // [N,K,H,W] -> [N,K,H*W] -> [N,H*W,K]: anchors row-major (y then x) within the level.
            regs.add(g.transpose(g.reshape(g.conv(t, regW, regB, 1, 1, 0, 1), 0, 4, -1), 0, 2, 1));
            account("head.reg@s" + STRIDES[l], NECK, 4, 1, 1, hw, 4 * NECK + 4, l == 0);
            clss.add(g.transpose(g.reshape(g.conv(t, clsW, clsB, 1, 1, 0, 1), 0, c, -1), 0, 2, 1));
            account("head.cls@s" + STRIDES[l], NECK, c, 1, 1, hw, (long) c * NECK + c, l == 0);
        }

        // Box decoding in the graph: box = centre + exp(ltrb) * (-s, -s, +s, +s).
        float[] centre = new float[NUM_ANCHORS * 4];
        float[] scale = new float[NUM_ANCHORS * 4];
        int a = 0;
        for (int s : STRIDES) {
            int n = INPUT_SIZE / s;
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++, a++) {
                    float cx = (i + 0.5f) * s;
                    float cy = (j + 0.5f) * s;
                    System.arraycopy(new float[] {cx, cy, cx, cy}, 0, centre, a * 4, 4);
                    System.arraycopy(new float[] {-s, -s, s, s}, 0, scale, a * 4, 4);
                }
            }
        }
        String centreT = g.addInitializer("anchors.centre", centre, 1, NUM_ANCHORS, 4);
        String scaleT = g.addInitializer("anchors.scale", scale, 1, NUM_ANCHORS, 4);
        String ltrb = g.exp(g.concat(1, regs.toArray(String[]::new)));
        g.rename(g.add(centreT, g.mul(ltrb, scaleT)), "boxes");
        g.rename(g.sigmoid(g.concat(1, clss.toArray(String[]::new))), "scores");

        // CAM (Zhou et al.): the GAP classifier's weights applied as a 1x1 conv before pooling.
        // Same initialisers in both branches, so GAP(cams) == class_logits holds by construction.
        String feat = p[1];
        int camHw = INPUT_SIZE / CAM_STRIDE;
        String camW = weights("cam.w", c, NECK, 1, he(NECK));
        String camB = constant("cam.b", c, PRIOR_BIAS);
        g.rename(g.conv(feat, camW, camB, 1, 1, 0, 1), "cams");
        account("cam.conv", NECK, c, 1, 1, camHw, (long) c * NECK + c, true);
        g.rename(g.flatten(g.conv(g.globalAveragePool(feat), camW, camB, 1, 1, 0, 1), 1), "class_logits");
        account("cam.gap_linear", NECK, c, 1, 1, 1, 0, false);

        g.addOutput("boxes", TensorProto.DataType.FLOAT, OnnxGraphBuilder.BATCH, NUM_ANCHORS, 4);
        g.addOutput("scores", TensorProto.DataType.FLOAT, OnnxGraphBuilder.BATCH, NUM_ANCHORS, c);
        g.addOutput("cams", TensorProto.DataType.FLOAT, OnnxGraphBuilder.BATCH, c, camHw, camHw);
        g.addOutput("class_logits", TensorProto.DataType.FLOAT, OnnxGraphBuilder.BATCH, c);
        return g.build();
    }

    // ---------------------------------------------------------------- layer helpers

    /** conv (no bias) + inference BatchNorm (identity statistics at init) + ReLU. */
    private String convBnRelu(String name, String x, int inC, int outC, int k, int stride, int outHw) {
        String w = weights(name + ".w", outC, inC, k, he(inC * k * k));
        String y = g.conv(x, w, null, k, stride, k / 2, 1);
        y = g.batchNorm(y, constant(name + ".bn.scale", outC, 1f), constant(name + ".bn.bias", outC, 0f),
                constant(name + ".bn.mean", outC, 0f), constant(name + ".bn.var", outC, 1f), BN_EPS);
        account(name, inC, outC, k, stride, outHw, (long) outC * inC * k * k + 2L * outC, true); // BN gamma+beta are trainable; running stats are not
        return g.relu(y);
    }

    private String conv(String name, String x, int inC, int outC, int k, int stride, int outHw, double std, float bias) {
        String w = weights(name + ".w", outC, inC, k, std);
        String y = g.conv(x, w, constant(name + ".b", outC, bias), k, stride, k / 2, 1);
        account(name, inC, outC, k, stride, outHw, (long) outC * inC * k * k + outC, true);
        return y;
    }

    /** Records a layer; {@code countParams} is false when the weights are shared with an earlier entry. */
    private void account(String name, int inC, int outC, int k, int stride, int outHw, long params, boolean countParams) {
        long macs = (long) outHw * outHw * outC * inC * k * k;
        layers.add(new Layer(name, k + "x" + k + " conv", inC, outC, k, stride, outHw, outHw,
                countParams ? params : 0, macs));
    }

    private static double he(int fanIn) {
        return Math.sqrt(2.0 / fanIn);
    }

    private String weights(String name, int outC, int inC, int k, double std) {
        float[] w = new float[outC * inC * k * k];
        for (int i = 0; i < w.length; i++) {
            // Always draw, so the zero-regression variant keeps every other weight identical.
            w[i] = (float) (rnd.nextGaussian() * std);
        }
        return g.addInitializer(name, w, outC, inC, k, k);
    }

    private String constant(String name, int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return g.addInitializer(name, v, n);
    }
}
