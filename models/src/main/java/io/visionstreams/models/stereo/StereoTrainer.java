package io.visionstreams.models.stereo;

import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.relu;
import static org.bytedeco.pytorch.global.torch.zeros;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.SyntheticStereoGenerator;
import io.visionstreams.models.data.SyntheticStereoGenerator.StereoPair;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.train.LrSchedule;
import io.visionstreams.models.train.Optimizers;
import io.visionstreams.models.train.TrainingLoop;

/**
 * Trains {@link StereoFeatureNet} MC-CNN style on synthetic rectified pairs: for random non-occluded left
 * pixels p with ground truth d, the positive is the right pixel p − d (rounded) and the negatives
 * p − d + o, o = ±(1..N); loss max(0, m + s_neg − s_pos) on cosine similarities of the unit features.
 * By default every offset is a negative (mean hinge): with one random offset per pixel the loss fell but
 * held-out WTA did not improve in a 200-step run, since WTA fails when any candidate beats the truth.
 * {@link Options#withAllNegatives(boolean) withAllNegatives(false)} gives MC-CNN's one random offset.
 *
 * <p>Since the branch's output at a pixel depends only on its (2L+1)² neighbourhood, a step does not
 * run whole images: it cuts, from whole standardised images, a (2L+1)×(2L+2N+1) strip around each left
 * pixel and around its positive, runs all strips as one batch, and reads the centre row. Interior
 * outputs equal the whole-image outputs exactly (no padding reaches them), so this trains the same
 * function that inference evaluates, at a fraction of the cost.
 *
 * <p>{@link Options#withDense dense} sampling (stereo-cost/2) instead runs whole full-width row bands and
 * scores every pixel of them against the whole disparity range: two orders of magnitude more training pixels
 * for the same feature work, with a loss over the same candidates that the WTA decision compares (see {@link Dense}).
 *
 * <p>Held-out metrics are winner-take-all on the raw cost volume of whole validation pairs, rendered
 * from validation images only.
 */
public final class StereoTrainer {

    /**
     * How a dense step samples (null in {@link Options#dense()} = the strip sampling stereo-cost/1 was trained with).
     *
     * @param crops       full-width row bands per step, each from a random pooled pair
     * @param rows        output rows per band (the band is run with {@code radius} extra rows above and below)
     * @param negMin      candidates whose disparity is at least this far from the truth are negatives; closer
     *                    ones (sub-pixel ambiguity) are neither positive nor negative
     * @param loss        {@link Loss#SOFTMAX}: cross-entropy of the true disparity against every candidate of the
     *                    search range; {@link Loss#HINGE}: mean hinge against every negative
     * @param temperature cosine similarities are divided by this before the softmax
     */
    public record Dense(int crops, int rows, double negMin, Loss loss, double temperature) {
        public Dense {
            if (crops < 1 || rows < 1 || !(negMin > 0) || !(temperature > 0)) {
                throw new IllegalArgumentException("bad dense sampling " + crops + "x" + rows + " neg>=" + negMin
                        + " T " + temperature);
            }
        }
    }

    public enum Loss { HINGE, SOFTMAX }

    public record Options(int width, int height, double maxDisparity, int pool, int samplesPerStep, int negOffset,
                          double margin, double lr, long steps, long evalEvery, int patience, int valPairs, long seed,
                          Path checkpointDir, boolean progress, boolean allNegatives, Dense dense, String schedule) {
        public static Options defaults() {
            return new Options(320, 240, 64, 16, 256, 8, 0.2, 1e-3, 2000, 200, 0, 8, 1, null, true, true, null,
                    "constant");
        }

        /** true: hinge against every offset ±1..N; false: one random offset per pixel (MC-CNN's sampling). */
        public Options withAllNegatives(boolean on) {
            return new Options(width, height, maxDisparity, pool, samplesPerStep, negOffset, margin, lr, steps,
                    evalEvery, patience, valPairs, seed, checkpointDir, progress, on, dense, schedule);
        }

        /** Dense full-width band sampling (null: the strips of stereo-cost/1). */
        public Options withDense(Dense d) {
            return new Options(width, height, maxDisparity, pool, samplesPerStep, negOffset, margin, lr, steps,
                    evalEvery, patience, valPairs, seed, checkpointDir, progress, allNegatives, d, schedule);
        }

        /** A {@link LrSchedule#parse} spec: constant, cosine[:min], step:F@M1,M2. */
        public Options withSchedule(String spec) {
            return new Options(width, height, maxDisparity, pool, samplesPerStep, negOffset, margin, lr, steps,
                    evalEvery, patience, valPairs, seed, checkpointDir, progress, allNegatives, dense, spec);
        }

        public int numDisparities() {
            return (int) Math.ceil(maxDisparity) + 1;
        }

        public Options withSize(int w, int h, double maxD) {
            return new Options(w, h, maxD, pool, samplesPerStep, negOffset, margin, lr, steps, evalEvery, patience,
                    valPairs, seed, checkpointDir, progress, allNegatives, dense, schedule);
        }

        public Options withSteps(long s, long every) {
            return new Options(width, height, maxDisparity, pool, samplesPerStep, negOffset, margin, lr, s, every,
                    patience, valPairs, seed, checkpointDir, progress, allNegatives, dense, schedule);
        }

        public Options withBatch(int samples, int neg, int poolSize, double learningRate) {
            return new Options(width, height, maxDisparity, poolSize, samples, neg, margin, learningRate, steps,
                    evalEvery, patience, valPairs, seed, checkpointDir, progress, allNegatives, dense, schedule);
        }

        public Options withValidation(int pairs, int patienceEvals) {
            return new Options(width, height, maxDisparity, pool, samplesPerStep, negOffset, margin, lr, steps,
                    evalEvery, patienceEvals, pairs, seed, checkpointDir, progress, allNegatives, dense, schedule);
        }

        public Options withRun(long s, Path checkpoints, boolean showProgress) {
            return new Options(width, height, maxDisparity, pool, samplesPerStep, negOffset, margin, lr, steps,
                    evalEvery, patience, valPairs, s, checkpoints, showProgress, allNegatives, dense, schedule);
        }

        public Options withMargin(double m) {
            return new Options(width, height, maxDisparity, pool, samplesPerStep, negOffset, m, lr, steps,
                    evalEvery, patience, valPairs, seed, checkpointDir, progress, allNegatives, dense, schedule);
        }
    }

    /**
     * Resumable checkpoints ({@link io.visionstreams.models.train.TrainingCheckpoint}).
     *
     * @param file      the checkpoint; null = {@code <checkpointDir>/last.ckpt} (none without a directory)
     * @param every     write it every this many steps; 0 = at every evaluation (always at the end)
     * @param resume    a checkpoint of a run with the same options to continue from; null = start fresh
     * @param stopAfter > 0: end after this step of the schedule with the checkpoint written; 0 = run to the end
     */
    public record Checkpointing(Path file, long every, Path resume, long stopAfter) {
        /** {@code <checkpointDir>/last.ckpt} at every evaluation, no resume. */
        public static final Checkpointing DEFAULT = new Checkpointing(null, 0, null, 0);
    }

    private final StereoFeatureNet net;
    private final Options opt;
    private final List<StereoPair> validation;
    private final StereoPairPool pool;
    private final String trainImages;
    private final String valImages;
    private final List<Double> losses = new ArrayList<>();

    public StereoTrainer(StereoFeatureNet net, ImageFolder trainImages, ImageFolder valImages, Options opt) {
        this.net = net;
        this.opt = opt;
        SyntheticStereoGenerator.Options g = SyntheticStereoGenerator.Options.defaults().withSize(opt.width(), opt.height())
                .withMaxDisparity(opt.maxDisparity());
        // the pool's draws and the generator's renders are two streams from the same seed
        this.pool = new StereoPairPool(new SyntheticStereoGenerator(trainImages, opt.seed(), g), opt.pool(), opt.seed());
        this.trainImages = folderId(trainImages);
        this.valImages = folderId(valImages);
        // a different seed stream, and only validation images as textures
        this.validation = validationPairs(valImages, opt);
        int r = net.radius(), n = opt.negOffset();
        if (opt.width() < 2 * (r + n) + 2 + opt.maxDisparity() / 4 || opt.height() < 2 * r + 2) {
            throw new IllegalArgumentException("pairs too small for radius " + r + " and offsets " + n);
        }
    }

    public static List<StereoPair> validationPairs(ImageFolder valImages, Options opt) {
        SyntheticStereoGenerator.Options g = SyntheticStereoGenerator.Options.defaults().withSize(opt.width(), opt.height())
                .withMaxDisparity(opt.maxDisparity());
        SyntheticStereoGenerator gen = new SyntheticStereoGenerator(valImages, opt.seed() ^ 0x5EEDL, g);
        List<StereoPair> v = new ArrayList<>();
        for (int i = 0; i < opt.valPairs(); i++) {
            v.add(gen.next());
        }
        return v;
    }

    public List<StereoPair> validation() {
        return validation;
    }

    /** Mean training loss of every step this trainer ran (a resumed run: only the steps after the resume), in order. */
    public List<Double> losses() {
        return losses;
    }

    /** Trainer family and net shape: a checkpoint only resumes into the same (the signature checks the rest). */
    public String kind() {
        return "stereo:" + net.config().name();
    }

    /**
     * The options a resumed run must share with the run that wrote the checkpoint: everything that shapes the data
     * stream, the loss, the optimiser and the evaluations (the step count is checked by the loop with its own
     * message). The image folders enter by their file names, so another split is refused too.
     */
    public String resumeIdentity() {
        return String.format(java.util.Locale.ROOT, "size=%dx%d maxD=%s pool=%d samples=%d neg=%d margin=%s lr=%s "
                        + "evalEvery=%d patience=%d valPairs=%d seed=%d allNegatives=%s dense=%s schedule=%s train=%s val=%s",
                opt.width(), opt.height(), opt.maxDisparity(), opt.pool(), opt.samplesPerStep(), opt.negOffset(),
                opt.margin(), opt.lr(), opt.evalEvery(), opt.patience(), opt.valPairs(), opt.seed(), opt.allNegatives(),
                opt.dense(), opt.schedule(), trainImages, valImages);
    }

    /** Trains with a checkpoint at every evaluation in {@code checkpointDir} (if any), from scratch. */
    public TrainingLoop.Result train() throws IOException {
        return train(Checkpointing.DEFAULT);
    }

    /**
     * Trains, writing and optionally resuming from resumable checkpoints. The pool and its draw stream are saved
     * with the weights and Adam state, so N steps, a resume and N more give the 2N-step run's weights (bit for bit
     * at one libtorch thread).
     */
    public TrainingLoop.Result train(Checkpointing ck) throws IOException {
        Optimizer adam = Optimizers.adam(net.parameters(), opt.lr(), 0);
        int perStep = opt.dense() == null ? opt.samplesPerStep() : opt.dense().crops() * opt.dense().rows() * opt.width();
        TrainingLoop loop = new TrainingLoop(net, adam, LrSchedule.parse(opt.schedule(), opt.lr(), opt.steps()), null,
                new TrainingLoop.Config(opt.steps(), opt.evalEvery(), opt.patience(), true, perStep,
                        opt.checkpointDir(), opt.progress()).withCheckpointing(ck.file(), ck.every(), ck.resume(), kind())
                        .withStopAfter(ck.stopAfter()));
        loop.dataState(pool).meta("config", net.config().name()).requireSame("options", resumeIdentity());
        return loop.run(this::stepLoss, () -> evaluate(net, validation, opt.numDisparities()).bad2Percent());
    }

    /** One step's loss (forward only; the loop does backward). */
    public Tensor stepLoss(long step) {
        pool.refresh();
        if (opt.dense() != null) {
            return denseLoss(opt.dense());
        }
        Random rng = pool.random();
        int r = net.radius(), n = opt.negOffset();
        int sh = 2 * r + 1, sw = 2 * (r + n) + 1;
        int s = opt.samplesPerStep();
        float[] strips = new float[2 * s * sh * sw];
        long[] negCol = new long[s];
        for (int k = 0; k < s; k++) {
            StereoPairPool.Prepared p = pool.pick();
            int w = p.pair().width(), h = p.pair().height();
            int x, y, xr;
            while (true) {
                x = r + n + rng.nextInt(w - 2 * (r + n));
                y = r + rng.nextInt(h - 2 * r);
                int i = y * w + x;
                xr = Math.round(x - p.pair().disparity()[i]);
                if (!p.pair().occluded()[i] && xr - r - n >= 0 && xr + r + n < w) {
                    break;
                }
            }
            copyStrip(p.leftStd(), w, x, y, r, n, strips, k * sh * sw);
            copyStrip(p.rightStd(), w, xr, y, r, n, strips, (s + k) * sh * sw);
            int o = 1 + rng.nextInt(n);
            negCol[k] = r + n + (rng.nextBoolean() ? o : -o);
        }
        Tensor x = Tensor.create(strips, 2L * s, 1, sh, sw);
        Tensor f = StereoFeatureNet.l2normalize(net.body(x)).select(2, r); // [2S, F, sw]
        Tensor left = f.narrow(0, 0, s).select(2, r + n);                     // [S, F]
        Tensor right = f.narrow(0, s, s);                                     // [S, F, sw]
        Tensor sim = left.unsqueeze(2).mul(right).sum(new long[] {1}, false, new ScalarTypeOptional()); // [S, sw]
        Tensor pos = sim.select(1, r + n).unsqueeze(1);                      // [S, 1]
        Tensor loss;
        if (opt.allNegatives()) {
            // every offset ±1..N of the strip is a negative: WTA fails if any of them beats the positive
            Tensor hinge = relu(sim.narrow(1, r, 2 * n + 1).sub(pos).add(new Scalar(opt.margin())));
            Tensor mask = Tensor.create(negMask(n), 1, 2 * n + 1);
            loss = hinge.mul(mask).sum().div(new Scalar((double) s * 2 * n));
        } else {
            Tensor neg = sim.gather(1, Tensor.create(negCol, s, 1));
            loss = relu(neg.sub(pos).add(new Scalar(opt.margin()))).mean();
        }
        losses.add(loss.item_double());
        return loss;
    }

    /**
     * Dense sampling: the branch runs once over a few full-width bands of rows (radius extra rows above and
     * below, so the kept rows are exact interior outputs; full width, so the column padding is the same zero
     * padding as on the whole image), and every non-occluded pixel of the kept rows is a training pixel,
     * matched against every candidate disparity 0..D−1 of the search range: thousands of pixels per step
     * for the feature work of a few hundred strips. Pixels whose true match falls outside the range or the
     * image are skipped.
     */
    private Tensor denseLoss(Dense dn) {
        int r = net.radius(), w = opt.width(), h = opt.height(), rows = dn.rows(), b = dn.crops();
        int nd = opt.numDisparities();
        if (h < rows + 2 * r) {
            throw new IllegalArgumentException("pairs of height " + h + " cannot hold bands of " + rows + " rows");
        }
        int bandH = rows + 2 * r;
        float[] bands = new float[2 * b * bandH * w];
        int cells = b * rows * w;
        float[] posHot = new float[cells * nd];
        float[] allowed = new float[cells * nd];  // positive or negative: what the softmax normalises over
        float[] negative = new float[cells * nd];
        float[] valid = new float[cells];
        int count = 0;
        Random rng = pool.random();
        for (int k = 0; k < b; k++) {
            StereoPairPool.Prepared p = pool.pick();
            int y0 = r + rng.nextInt(h - rows - 2 * r + 1); // first kept row
            System.arraycopy(p.leftStd(), (y0 - r) * w, bands, k * bandH * w, bandH * w);
            System.arraycopy(p.rightStd(), (y0 - r) * w, bands, (b + k) * bandH * w, bandH * w);
            for (int i = 0; i < rows; i++) {
                for (int x = 0; x < w; x++) {
                    int src = (y0 + i) * w + x;
                    float d = p.pair().disparity()[src];
                    int dp = Math.round(d);
                    if (p.pair().occluded()[src] || dp > nd - 1 || x - dp < 0) {
                        continue;
                    }
                    int cell = (k * rows + i) * w + x;
                    valid[cell] = 1f;
                    count++;
                    int base = cell * nd;
                    posHot[base + dp] = 1f;
                    allowed[base + dp] = 1f;
                    for (int c = 0; c <= Math.min(nd - 1, x); c++) { // right x = x − c stays in the image
                        if (Math.abs(c - d) >= dn.negMin()) {
                            negative[base + c] = 1f;
                            allowed[base + c] = 1f;
                        }
                    }
                }
            }
        }
        if (count == 0) {
            Tensor zero = Tensor.create(new float[] {0f}).requires_grad_(true).sum();
            losses.add(0.0);
            return zero;
        }
        Tensor f = StereoFeatureNet.l2normalize(net.body(Tensor.create(bands, 2L * b, 1, bandH, w)).narrow(2, r, rows));
        Tensor fl = f.narrow(0, 0, b);                                                  // [B, F, rows, W]
        Tensor fr = f.narrow(0, b, b);
        long ch = fl.size(1);
        // right features shifted right by c (zeros where x − c < 0): one padded copy, one slice per disparity
        Tensor padded = cat(new TensorVector(zeros(b, ch, rows, nd - 1), fr), 3);
        TensorVector slices = new TensorVector();
        for (int c = 0; c < nd; c++) {
            slices.push_back(fl.mul(padded.narrow(3, nd - 1 - c, w)).sum(new long[] {1}, false,
                    new ScalarTypeOptional()).unsqueeze(3));
        }
        Tensor sim = cat(slices, 3);                                                     // [B, rows, W, D]
        Tensor pos = Tensor.create(posHot, b, rows, w, nd);
        Tensor posSim = sim.mul(pos).sum(new long[] {3}, true, new ScalarTypeOptional()); // [B, rows, W, 1]
        Tensor loss;
        if (dn.loss() == Loss.SOFTMAX) {
            Tensor mask = Tensor.create(allowed, b, rows, w, nd);
            // candidates outside the normalisation set get a large negative logit
            Tensor logits = sim.div(new Scalar(dn.temperature())).add(mask.sub(new Scalar(1.0)).mul(new Scalar(1e4)));
            Tensor ce = logits.logsumexp(new long[] {3}, true).sub(posSim.div(new Scalar(dn.temperature())));
            loss = ce.squeeze(3).mul(Tensor.create(valid, b, rows, w)).sum().div(new Scalar((double) count));
        } else {
            Tensor neg = Tensor.create(negative, b, rows, w, nd);
            Tensor hinge = relu(sim.sub(posSim).add(new Scalar(opt.margin()))).mul(neg);
            loss = hinge.sum().div(neg.sum().clamp_min(new Scalar(1.0)));
        }
        losses.add(loss.item_double());
        return loss;
    }

    private static float[] negMask(int n) {
        float[] m = new float[2 * n + 1];
        java.util.Arrays.fill(m, 1f);
        m[n] = 0f; // the positive itself
        return m;
    }

    /** The folder's file names as a short stable id (the same files in the same order give the same id). */
    private static String folderId(ImageFolder f) {
        return f.size() + "#" + Integer.toHexString(String.join("\n", f.names()).hashCode());
    }

    private static void copyStrip(float[] img, int w, int cx, int cy, int r, int n, float[] dst, int off) {
        int sw = 2 * (r + n) + 1;
        for (int dy = -r; dy <= r; dy++) {
            System.arraycopy(img, (cy + dy) * w + cx - r - n, dst, off + (dy + r) * sw, sw);
        }
    }

    /** Gray bytes → [0, 1], the graph's input scale. */
    public static float[] unit(byte[] gray) {
        float[] f = new float[gray.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (gray[i] & 0xFF) / 255f;
        }
        return f;
    }

    /** The same per-image standardisation as {@link StereoFeatureNet#standardize}, in Java. */
    static float[] standardize(float[] x) {
        double m = 0;
        for (float v : x) {
            m += v;
        }
        m /= x.length;
        double var = 0;
        for (float v : x) {
            var += (v - m) * (v - m);
        }
        var /= x.length;
        double inv = 1 / Math.sqrt(var + StereoFeatureNet.STD_EPS);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) ((x[i] - m) * inv);
        }
        return out;
    }

    // ---------------------------------------------------------------- evaluation

    /** Unit features [C][H][W] of left and right, computed once each (eval mode, no gradients). */
    public static float[][] features(StereoFeatureNet net, StereoPair p) {
        boolean wasTraining = net.is_training();
        net.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            int w = p.width(), h = p.height();
            float[] both = new float[2 * w * h];
            System.arraycopy(unit(p.left()), 0, both, 0, w * h);
            System.arraycopy(unit(p.right()), 0, both, w * h, w * h);
            Tensor f = net.features(Tensor.create(both, 2, 1, h, w));
            return new float[][] {Export.data(f.select(0, 0)), Export.data(f.select(0, 1))};
        } finally {
            net.train(wasTraining);
        }
    }

    /**
     * Left and right unit feature maps (C·H·W values each, C-major) of a pair: from the libtorch net
     * ({@link #features(StereoFeatureNet, StereoPair)}) or from the exported ONNX ({@link OrtStereoFeatures}).
     * Both are scored by the same cost volume, WTA and metrics.
     */
    @FunctionalInterface
    public interface FeatureSource {
        float[][] features(StereoPair p);
    }

    /** WTA disparity from the network's raw cosine cost volume. */
    public static float[] wtaDisparity(StereoFeatureNet net, StereoPair p, int numDisparities) {
        return wtaDisparity(features(net, p), p, numDisparities);
    }

    static float[] wtaDisparity(float[][] f, StereoPair p, int numDisparities) {
        int c = f[0].length / (p.width() * p.height());
        return CostVolume.wta(p.width(), p.height(), numDisparities,
                CostVolume.cosine(f[0], f[1], c, p.width(), p.height()));
    }

    public static StereoMetrics evaluate(StereoFeatureNet net, List<StereoPair> pairs, int numDisparities) {
        return evaluate(p -> features(net, p), pairs, numDisparities);
    }

    public static StereoMetrics evaluate(FeatureSource source, List<StereoPair> pairs, int numDisparities) {
        StereoMetrics m = StereoMetrics.EMPTY;
        for (StereoPair p : pairs) {
            m = m.plus(StereoMetrics.of(wtaDisparity(source.features(p), p, numDisparities), p.disparity(),
                    p.occluded(), numDisparities));
        }
        return m;
    }

    /** The classical baseline: WTA over 1 − NCC of (2·radius+1)² windows on raw pixels. */
    public static StereoMetrics evaluateNcc(List<StereoPair> pairs, int numDisparities, int radius) {
        StereoMetrics m = StereoMetrics.EMPTY;
        for (StereoPair p : pairs) {
            float[] d = CostVolume.wta(p.width(), p.height(), numDisparities,
                    NccBaseline.cost(unit(p.left()), unit(p.right()), p.width(), p.height(), radius));
            m = m.plus(StereoMetrics.of(d, p.disparity(), p.occluded(), numDisparities));
        }
        return m;
    }
}
