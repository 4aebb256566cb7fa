package io.visionstreams.models.style;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import io.visionstreams.models.nn.Export;

/**
 * Held-out measurement that the network transfers style: for each style, the distance of (a) the
 * stylised held-out crops, (b) the unstylised crops and (c) an untrained network's output to that style,
 * under three statistics — the training loss net's Gram loss, the Gram loss of a loss net with a
 * DIFFERENT seed (never seen in training), and a colour-histogram distance — plus the content loss.
 */
public final class StyleEval {

    /** Offset of the independent filter bank's seed from the training loss net's seed. */
    public static final long INDEPENDENT_SEED_OFFSET = 1_000_003L;
    static final int BINS = 8;

    /**
     * One row: the candidates' numbers for one style; {@code compared} is another (exported) model on the same
     * crops, or null.
     */
    public record Row(String style, Metrics stylised, Metrics unstylised, Metrics untrained, Metrics compared) {
    }

    /** Stylises network-space crops [n, 3, H, W] with one-hot weights [n, S]: a libtorch net or an ONNX model. */
    @FunctionalInterface
    public interface Stylizer {
        Tensor apply(Tensor images, Tensor weights) throws Exception;
    }

    /** Means over the held-out crops; histogram distance is total variation (0 = identical, 1 = disjoint). */
    public record Metrics(double gram, double gramIndependent, double colourHist, double content) {
    }

    private StyleEval() {
    }

    public static List<Row> evaluate(StyleTrainer t, StyleNet untrained, Tensor heldOut) throws IOException {
        return evaluate(t, untrained, heldOut, null);
    }

    /** As {@link #evaluate(StyleTrainer, StyleNet, Tensor)}, plus {@code compared} (may be null) on the same crops. */
    public static List<Row> evaluate(StyleTrainer t, StyleNet untrained, Tensor heldOut, Stylizer compared)
            throws IOException {
        StyleTrainer.Config cfg = t.config();
        RandomLossNet train = t.lossNet();
        RandomLossNet indep = new RandomLossNet(cfg.lossSeed() + INDEPENDENT_SEED_OFFSET);
        int s = t.styleNames().size();
        int n = (int) heldOut.size(0);
        List<Row> rows = new ArrayList<>();
        t.net().eval();
        untrained.eval();
        for (int k = 0; k < s; k++) {
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Path file = cfg.styles().get(k);
                List<Tensor> gTrain = StyleTrainer.styleGrams(train, file, cfg.styleSize());
                List<Tensor> gIndep = StyleTrainer.styleGrams(indep, file, cfg.styleSize());
                double[] styleHist = histogram(StyleImages.toTensor(
                        StyleImages.resizeLongest(StyleImages.readRgb(file), cfg.styleSize())));
                int[] idx = new int[n];
                java.util.Arrays.fill(idx, k);
                Tensor w = StyleTrainer.oneHot(idx, s);
                Metrics other = null;
                if (compared != null) {
                    try {
                        other = metrics(compared.apply(heldOut, w), heldOut, train, indep, gTrain, gIndep, styleHist);
                    } catch (IOException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IOException("compared model failed on the held-out crops: " + e.getMessage(), e);
                    }
                }
                rows.add(new Row(t.styleNames().get(k),
                        metrics(forward(t.net(), heldOut, w), heldOut, train, indep, gTrain, gIndep, styleHist),
                        metrics(heldOut, heldOut, train, indep, gTrain, gIndep, styleHist),
                        metrics(forward(untrained, heldOut, w), heldOut, train, indep, gTrain, gIndep, styleHist),
                        other));
            }
        }
        return rows;
    }

    /** Forward in chunks of 4 so evaluation memory stays small on the shared machine. */
    private static Tensor forward(StyleNet net, Tensor x, Tensor w) {
        org.bytedeco.pytorch.TensorVector parts = new org.bytedeco.pytorch.TensorVector();
        for (long i = 0; i < x.size(0); i += 4) {
            long n = Math.min(4, x.size(0) - i);
            parts.push_back(net.forward(x.narrow(0, i, n), w.narrow(0, i, n)));
        }
        return org.bytedeco.pytorch.global.torch.cat(parts, 0);
    }

    private static Metrics metrics(Tensor p, Tensor c, RandomLossNet train, RandomLossNet indep, List<Tensor> gTrain,
                                   List<Tensor> gIndep, double[] styleHist) {
        List<Tensor> fp = train.features(p);
        return new Metrics(gramLoss(train.grams(p), gTrain), gramLoss(indep.grams(p), gIndep),
                tvDistance(histogram(p), styleHist),
                train.contentLoss(p, c, fp, train.features(c)).mean().item_float());
    }

    private static double gramLoss(List<Tensor> gp, List<Tensor> styleGrams) {
        List<Tensor> targets = new ArrayList<>();
        for (int l = 0; l < gp.size(); l++) {
            targets.add(styleGrams.get(l).expand(gp.get(l).sizes()));
        }
        return RandomLossNet.styleLoss(gp, targets).mean().item_float();
    }

    /** Joint RGB histogram (8 bins per channel) over all pixels of network-space images, normalised to sum 1. */
    static double[] histogram(Tensor x) {
        long[] sh = Export.shape(x);
        float[] v = Export.data(x);
        int hw = (int) (sh[2] * sh[3]);
        double[] h = new double[BINS * BINS * BINS];
        for (int b = 0; b < sh[0]; b++) {
            int base = b * 3 * hw;
            for (int i = 0; i < hw; i++) {
                int r = bin(v[base + i]);
                int g = bin(v[base + hw + i]);
                int bl = bin(v[base + 2 * hw + i]);
                h[(r * BINS + g) * BINS + bl]++;
            }
        }
        double total = sh[0] * (double) hw;
        for (int i = 0; i < h.length; i++) {
            h[i] /= total;
        }
        return h;
    }

    private static int bin(float v) {
        double px = (v * StyleImages.STD + StyleImages.MEAN) / StyleImages.SCALE;
        return (int) Math.max(0, Math.min(BINS - 1, Math.floor(px / (256.0 / BINS))));
    }

    static double tvDistance(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += Math.abs(a[i] - b[i]);
        }
        return d / 2;
    }

    /** An exported model in ORT as a {@link Stylizer}, batch by batch of 4 like the libtorch path. */
    public static Stylizer onnx(ai.onnxruntime.OrtSession session) {
        return (x, w) -> {
            long[] xs = Export.shape(x);
            long[] ws = Export.shape(w);
            float[] xd = Export.data(x);
            float[] wd = Export.data(w);
            int per = (int) (xs[1] * xs[2] * xs[3]);
            int s = (int) ws[1];
            float[] out = new float[xd.length];
            for (int i = 0; i < xs[0]; i += 4) {
                int n = (int) Math.min(4, xs[0] - i);
                float[] y = StyleExport.run(session, java.util.Arrays.copyOfRange(xd, i * per, (i + n) * per),
                        new long[] {n, xs[1], xs[2], xs[3]}, java.util.Arrays.copyOfRange(wd, i * s, (i + n) * s),
                        new long[] {n, s});
                System.arraycopy(y, 0, out, i * per, n * per);
            }
            return StyleImages.tensor(out, xs);
        };
    }

    /** A Markdown table of the rows. */
    public static String table(List<Row> rows) {
        return table(rows, null);
    }

    /** A Markdown table of the rows; {@code comparedLabel} names the compared model's rows. */
    public static String table(List<Row> rows, String comparedLabel) {
        StringBuilder sb = new StringBuilder();
        sb.append("| Style | Candidate | Gram loss (training loss net) | Gram loss (independent seed) "
                + "| Colour-histogram distance | Content loss |\n|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            line(sb, r.style(), "stylised (trained)", r.stylised());
            line(sb, r.style(), "unstylised content", r.unstylised());
            line(sb, r.style(), "untrained network", r.untrained());
            if (r.compared() != null) {
                line(sb, r.style(), comparedLabel == null ? "compared model" : comparedLabel, r.compared());
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String style, String what, Metrics m) {
        sb.append(String.format(Locale.ROOT, "| %s | %s | %.4g | %.4g | %.3f | %.4g |%n", style, what, m.gram(),
                m.gramIndependent(), m.colourHist(), m.content()));
    }
}
