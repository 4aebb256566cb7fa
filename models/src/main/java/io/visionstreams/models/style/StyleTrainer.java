package io.visionstreams.models.style;

import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.clip_grad_norm_;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.RgbImage;
import io.visionstreams.models.data.StyleContentCrops;
import io.visionstreams.models.nn.Checkpoints;
import io.visionstreams.models.train.TrainingCheckpoint;

/**
 * Multi-style training (models-stylisation.md §6–7): Adam, every sample gets a uniformly random style,
 * loss = λc·content + λs·style(that sample's style) + λtv·TV with the {@link RandomLossNet}.
 */
public final class StyleTrainer {

    /**
     * How the content folder (without the style images) is split into training and held-out files.
     * GROUPED: {@link ImageFolder#split(double, long, java.util.function.Function)} at 0.2, seed 1, grouped by
     * {@link ImageFolder#variantKey}, so sequences (left01…right14, rubberwhale1/2) and name variants of one
     * picture (ela_original/ela_modified, imageTextN/imageTextR, opencv-logo/opencv-logo-white) stay on one side.
     * The plain {@link ImageFolder#sequenceKey} grouping put those three variant pairs on both sides.
     * EVERY_5TH: every 5th file by name, the split style-cin/1 was trained with (near copies on both sides).
     */
    public enum ContentSplit {
        GROUPED, EVERY_5TH;

        public ImageFolder.Split apply(ImageFolder content) {
            return this == GROUPED ? content.split(0.2, 1, ImageFolder::variantKey) : content.splitEveryNth(5);
        }
    }

    /**
     * Training settings; the λ defaults were tuned for the random loss net (§8.4: VGG weights do not carry over).
     * {@code styleWeights} multiplies {@code styleWeight} per style (§5: the loss weights were set per style), one
     * value per style; empty = 1 for every style.
     */
    public record Config(Path contentDir, List<Path> styles, int steps, int size, int batch, int width, long seed,
                         long lossSeed, int styleSize, double lr, double contentWeight, double styleWeight,
                         double tvWeight, int threads, ContentSplit contentSplit, List<Double> styleWeights) {

        public Config {
            styles = List.copyOf(styles);
            styleWeights = styleWeights == null ? List.of() : List.copyOf(styleWeights);
            if (!styleWeights.isEmpty() && styleWeights.size() != styles.size()) {
                throw new IllegalArgumentException("--style-weights needs one value per style (" + styles.size()
                        + " styles), got " + styleWeights);
            }
            for (double w : styleWeights) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("style weights must be finite and non-negative, got " + styleWeights);
                }
            }
        }

        public static Config defaults(Path contentDir, List<Path> styles) {
            return new Config(contentDir, styles, 200, 128, 2, 1, 1, 20260202L, 256, 1e-3, 1.0, 10.0, 0.05, 2,
                    ContentSplit.GROUPED, List.of());
        }

        public Config withSteps(int s, int sz, int b, int w, long sd) {
            return new Config(contentDir, styles, s, sz, b, w, sd, lossSeed, styleSize, lr, contentWeight, styleWeight,
                    tvWeight, threads, contentSplit, styleWeights);
        }

        public Config withContentSplit(ContentSplit split) {
            return new Config(contentDir, styles, steps, size, batch, width, seed, lossSeed, styleSize, lr, contentWeight,
                    styleWeight, tvWeight, threads, split, styleWeights);
        }

        public Config withStyleWeights(List<Double> perStyle) {
            return new Config(contentDir, styles, steps, size, batch, width, seed, lossSeed, styleSize, lr, contentWeight,
                    styleWeight, tvWeight, threads, contentSplit, perStyle);
        }

        /** The effective style weight λs·w_s of style {@code s}. */
        public double styleWeightOf(int s) {
            return styleWeight * (styleWeights.isEmpty() ? 1.0 : styleWeights.get(s));
        }
    }

    /** Loss values of one step or one evaluation (means over the batch). */
    public record Losses(double total, double content, double style, double tv) {
    }

    /** Gradient-norm clip: a long first run diverged to NaN after ~110 steps without it. */
    public static final double CLIP_NORM = 5.0;

    private final Config cfg;
    private final RandomLossNet lossNet;
    private final List<String> styleNames = new ArrayList<>();
    /** Per loss-net stage: the styles' Gram targets flattened to [S, C·C] (one-hot weights select rows). */
    private final List<Tensor> targets = new ArrayList<>();
    private final ImageFolder.Split content;
    /** [S] effective style weights λs·w_s; a one-hot batch [N, S] times this gives each sample's weight. */
    private final Tensor styleWeightPerStyle;
    /** One stream for the crops and the per-sample style indices, interleaved as in style-cin/1's run. */
    private final Random rnd;
    private final StyleContentCrops trainCrops;
    private final StyleNet net;
    private final List<Losses> history = new ArrayList<>();
    private volatile boolean stopRequested;
    private int skipped;
    private double lastGradNorm;

    public StyleTrainer(Config cfg) throws IOException {
        this.cfg = cfg;
        if (cfg.size() % StyleNet.SIZE_MULTIPLE != 0) {
            throw new IllegalArgumentException("training size must be a multiple of 4, got " + cfg.size());
        }
        org.bytedeco.pytorch.global.torch.set_num_threads(cfg.threads());
        lossNet = new RandomLossNet(cfg.lossSeed());
        List<List<Tensor>> perStyle = new ArrayList<>();
        for (Path p : cfg.styles()) {
            styleNames.add(styleName(p));
            perStyle.add(styleGrams(lossNet, p, cfg.styleSize()));
        }
        for (int l = 0; l < perStyle.get(0).size(); l++) {
            TensorVector v = new TensorVector();
            for (List<Tensor> g : perStyle) {
                v.push_back(g.get(l).reshape(1, -1));
            }
            targets.add(cat(v, 0));
        }
        ImageFolder folder = ImageFolder.of(cfg.contentDir()).without(cfg.styles());
        content = cfg.contentSplit().apply(folder);
        if (content.train().size() == 0 || content.validation().size() == 0) {
            throw new IOException(cfg.contentDir() + ": the " + cfg.contentSplit() + " split of " + folder.size()
                    + " content images leaves one side empty (" + content.train().size() + " train, "
                    + content.validation().size() + " held out)");
        }
        rnd = new Random(cfg.seed());
        trainCrops = new StyleContentCrops(content.train(), rnd, StyleContentCrops.Options.nativeCrops(cfg.size()));
        net = new StyleNet(cfg.styles().size(), cfg.width(), cfg.seed());
        float[] sw = new float[cfg.styles().size()];
        for (int k = 0; k < sw.length; k++) {
            sw[k] = (float) cfg.styleWeightOf(k);
        }
        styleWeightPerStyle = StyleImages.tensor(sw, sw.length, 1);
    }

    public static String styleName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Gram matrices [1, C, C] per stage of a style image resized to {@code longest} (the style size of §6). */
    static List<Tensor> styleGrams(RandomLossNet ln, Path file, int longest) throws IOException {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor x = StyleImages.toTensor(StyleImages.resizeLongest(StyleImages.readRgb(file), longest));
            return ln.grams(x);
        }
    }

    public StyleNet net() {
        return net;
    }

    public List<String> styleNames() {
        return styleNames;
    }

    /** Training and held-out content files: only the training side is ever cropped for training. */
    public ImageFolder.Split content() {
        return content;
    }

    /** The training-side crop stream (shares the trainer's random stream). */
    StyleContentCrops trainCrops() {
        return trainCrops;
    }

    /** {@code perImage} seeded crops of every held-out image: a fixed evaluation set [n, 3, size, size]. */
    public Tensor heldOutCrops(int perImage, long seed) {
        StyleContentCrops held = new StyleContentCrops(content.validation(), seed,
                StyleContentCrops.Options.nativeCrops(cfg.size()));
        return batch(held.fixedCrops(perImage, seed));
    }

    /** Content crops as a network-space batch [n, 3, size, size]. */
    static Tensor batch(List<RgbImage> crops) {
        int size = crops.get(0).width();
        int chw = 3 * size * size;
        float[] all = new float[crops.size() * chw];
        for (int i = 0; i < crops.size(); i++) {
            System.arraycopy(StyleImages.toChw(crops.get(i)), 0, all, i * chw, chw);
        }
        return StyleImages.tensor(all, crops.size(), 3, size, size);
    }

    public RandomLossNet lossNet() {
        return lossNet;
    }

    public Config config() {
        return cfg;
    }

    public List<Losses> history() {
        return history;
    }

    /** One-hot [n, S] weights for the given style indices. */
    public static Tensor oneHot(int[] styles, int numStyles) {
        float[] w = new float[styles.length * numStyles];
        for (int i = 0; i < styles.length; i++) {
            w[i * numStyles + styles[i]] = 1f;
        }
        return StyleImages.tensor(w, styles.length, numStyles);
    }

    /** Loss terms for content batch {@code c} stylised with one-hot {@code weights}; differentiable. */
    Tensor[] losses(StyleNet model, Tensor c, Tensor weights) {
        Tensor p = model.forward(c, weights);
        List<Tensor> fp = lossNet.features(p);
        List<Tensor> fc = lossNet.features(c);
        List<Tensor> gp = new ArrayList<>();
        List<Tensor> gt = new ArrayList<>();
        for (int l = 0; l < fp.size(); l++) {
            Tensor g = RandomLossNet.gram(fp.get(l));
            gp.add(g);
            gt.add(weights.matmul(targets.get(l)).reshape(g.size(0), g.size(1), g.size(2)));
        }
        Tensor perSample = RandomLossNet.styleLoss(gp, gt);
        Tensor ls = perSample.mean(); // reported unweighted, comparable across weightings
        // each sample's style loss times its style's weight (one-hot rows pick it; blends would mix it)
        Tensor lsWeighted = perSample.mul(weights.matmul(styleWeightPerStyle).reshape(-1)).mean();
        Tensor lc = lossNet.contentLoss(p, c, fp, fc).mean();
        Tensor ltv = RandomLossNet.tv(p).mean();
        Tensor total = lc.mul(new Scalar(cfg.contentWeight())).add(lsWeighted).add(ltv.mul(new Scalar(cfg.tvWeight())));
        return new Tensor[] {total, lc, ls, ltv};
    }

    /**
     * Resumable checkpoints: every {@code every} steps (0 = only at the end) and at the end to {@code file};
     * {@code resume} continues from such a file.
     */
    public record Checkpointing(Path file, int every, Path resume) {
        public static final Checkpointing NONE = new Checkpointing(null, 0, null);
    }

    /** Checkpoint kind; the style list and width must match on resume (the net's signature checks the rest). */
    public String kind() {
        return "style:cin/" + String.join(",", styleNames) + "/w" + cfg.width();
    }

    /**
     * The options a resumed run must share with the one that wrote the checkpoint: everything but the step count
     * (the learning rate is constant, so a run may be extended) and the thread count.
     */
    String resumeIdentity() {
        return cfg.toString().replaceFirst("steps=\\d+, ", "").replaceFirst(", threads=\\d+", "");
    }

    /** Trains for {@code cfg.steps()} steps; {@code onStep} sees the 1-based step after each update. */
    public void train(IntConsumer onStep) throws IOException {
        train(onStep, Checkpointing.NONE);
    }

    /**
     * {@link #train(IntConsumer)} with checkpoints. The data position on resume is recovered by replaying the
     * crop and style draws of the steps already run (cheap next to a training step): the crop stream and the style
     * indices share one {@link Random} that has no state accessor, and replaying keeps style-cin/2's stream intact.
     */
    public void train(IntConsumer onStep, Checkpointing ck) throws IOException {
        int s = styleNames.size();
        Adam opt = new Adam(net.parameters(), new AdamOptions(cfg.lr()));
        net.train(true);
        int start = 1;
        if (ck.resume() != null) {
            java.util.Properties p = TrainingCheckpoint.load(ck.resume(), kind(), net, opt, null).meta();
            if (!resumeIdentity().equals(p.getProperty("options"))) {
                throw new IllegalArgumentException(ck.resume() + " was written with " + p.getProperty("options")
                        + "; this run has " + resumeIdentity() + " (resume with the same options; only --steps may grow)");
            }
            int done = Integer.parseInt(p.getProperty("step"));
            for (int k = 0; k < done; k++) { // replay the data draws of the steps already run
                trainCrops.next(cfg.batch());
                for (int i = 0; i < cfg.batch(); i++) {
                    rnd.nextInt(s);
                }
            }
            skipped = Integer.parseInt(p.getProperty("skipped"));
            lastGradNorm = Double.parseDouble(p.getProperty("lastGradNorm"));
            history.clear();
            history.addAll(parseHistory(p.getProperty("history", "")));
            start = done + 1;
        }
        for (int step = start; step <= cfg.steps(); step++) {
            try (PointerScope scope = new PointerScope()) { // frees this step's native temporaries (§6.3)
                Tensor c = batch(trainCrops.next(cfg.batch()));
                int[] idx = new int[cfg.batch()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = rnd.nextInt(s);
                }
                Tensor[] l = losses(net, c, oneHot(idx, s));
                opt.zero_grad();
                l[0].backward();
                double norm = clip_grad_norm_(net.parameters(), CLIP_NORM);
                float total = l[0].item_float();
                if (Double.isFinite(norm) && Float.isFinite(total)) {
                    opt.step();
                    history.add(new Losses(total, l[1].item_float(), l[2].item_float(), l[3].item_float()));
                    lastGradNorm = norm;
                } else {
                    // never let one bad batch poison the weights; the step is counted and reported
                    skipped++;
                    history.add(history.isEmpty() ? new Losses(0, 0, 0, 0) : history.get(history.size() - 1));
                }
            }
            onStep.accept(step); // may request a stop (time limit)
            boolean end = step == cfg.steps() || stopRequested;
            if (ck.file() != null && (end || (ck.every() > 0 && step % ck.every() == 0))) {
                saveCheckpoint(ck.file(), opt, step);
            }
            if (stopRequested) {
                break;
            }
        }
        net.eval();
    }

    private void saveCheckpoint(Path file, Adam opt, int step) throws IOException {
        java.util.Properties p = TrainingCheckpoint.newMeta(kind());
        p.setProperty("step", Integer.toString(step));
        p.setProperty("totalSteps", Integer.toString(cfg.steps()));
        p.setProperty("batch", Integer.toString(cfg.batch()));
        p.setProperty("seed", Long.toString(cfg.seed()));
        p.setProperty("options", resumeIdentity());
        p.setProperty("styles", String.join(",", styleNames));
        p.setProperty("width", Integer.toString(cfg.width()));
        p.setProperty("skipped", Integer.toString(skipped));
        p.setProperty("lastGradNorm", Double.toString(lastGradNorm));
        StringBuilder h = new StringBuilder();
        for (Losses l : history) {
            h.append(h.length() == 0 ? "" : ";").append(l.total()).append(',').append(l.content()).append(',')
                    .append(l.style()).append(',').append(l.tv());
        }
        p.setProperty("history", h.toString());
        TrainingCheckpoint.save(file, net, opt, null, p);
        net.train(true);
    }

    private static List<Losses> parseHistory(String s) {
        List<Losses> out = new ArrayList<>();
        if (!s.isEmpty()) {
            for (String row : s.split(";")) {
                String[] f = row.split(",");
                out.add(new Losses(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3])));
            }
        }
        return out;
    }

    /** Steps skipped because the loss or gradient was not finite. */
    public int skipped() {
        return skipped;
    }

    /** Gradient norm (before clipping) of the last applied step. */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    /** Ends {@link #train} after the current step (time limit). */
    public void stop() {
        stopRequested = true;
    }

    public void saveCheckpoint(Path file) throws IOException {
        Checkpoints.save(net, file);
    }

    /** Mean of the last {@code n} recorded losses (or fewer). */
    public Losses recentMean(int from, int to) {
        double t = 0;
        double c = 0;
        double st = 0;
        double tv = 0;
        int n = 0;
        for (int i = Math.max(0, from); i < Math.min(to, history.size()); i++) {
            Losses l = history.get(i);
            t += l.total();
            c += l.content();
            st += l.style();
            tv += l.tv();
            n++;
        }
        return new Losses(t / n, c / n, st / n, tv / n);
    }
}
