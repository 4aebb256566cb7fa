package io.visionstreams.models.patch;

import static org.bytedeco.pytorch.global.torch.from_blob;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.relu;
import static org.bytedeco.pytorch.global.torch.set_num_threads;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.PatchBatch;
import io.visionstreams.models.data.PatchPairGenerator;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.train.Init;
import io.visionstreams.models.train.LrSchedule;
import io.visionstreams.models.train.Optimizers;
import io.visionstreams.models.train.TrainingLoop;
import io.visionstreams.models.train.WeightAverager;

/**
 * Trains a patch net on balanced, augmented pairs from {@link PatchPairGenerator} (homography positives,
 * hard negatives) cut from the training side of a file-level {@link ImageFolder#split}, validating
 * FPR95 on fixed pairs generated only from the validation images, and reports the untrained and NCC
 * baselines on the same validation pairs.
 *
 * <p>Losses: {@code hinge} is the thesis loss max(0, 1 − y·o) on the network output (for the -l2
 * archs that trains through the siamese top, and the descriptor is only used at test time).
 * {@code l2-hinge} (-l2 archs only; a deviation from the thesis) trains the descriptor branch directly
 * on the distance it is matched with: d = ‖d̂(a) − d̂(b)‖₂ of l2-normalised descriptors, loss
 * max(0, d − m_p) for matches and max(0, m_n − d) for non-matches.
 */
public final class PatchTrainer {

    public static final String LOSS_HINGE = "hinge";
    public static final String LOSS_L2_HINGE = "l2-hinge";

    public record Options(String arch, int widthDiv, Path images, Path valImages, double valFraction, long splitSeed,
                          long steps, int batch, double lr, String optimizer, double momentum, double weightDecay,
                          String schedule, long averageFrom, long seed, int valPairs, long evalEvery, int patience,
                          int threads, Path checkpointDir, boolean progress, String loss, double marginPos,
                          double marginNeg, ImageFolder.SplitKey splitKey, Path checkpointFile, long checkpointEvery,
                          Path resume, long stopAfter) {

        public Options {
            if (!LOSS_HINGE.equals(loss) && !LOSS_L2_HINGE.equals(loss)) {
                throw new IllegalArgumentException("loss must be hinge or l2-hinge: " + loss);
            }
            if (LOSS_L2_HINGE.equals(loss) && !PatchNets.isDescriptor(arch)) {
                throw new IllegalArgumentException("--loss l2-hinge trains a descriptor: use an -l2 arch, not " + arch);
            }
            splitKey = splitKey == null ? ImageFolder.SplitKey.VARIANT : splitKey;
            if (LOSS_L2_HINGE.equals(loss) && !(marginPos >= 0 && marginPos < marginNeg && marginNeg <= 2)) {
                throw new IllegalArgumentException("l2-hinge margins need 0 <= m_p < m_n <= 2 (unit descriptors)");
            }
        }

        /** The thesis recipe (hinge through the top), default split (20 % of files, seed 1). */
        public static Options hinge(String arch, int widthDiv, Path images, long steps, int batch, double lr,
                                    long seed, int valPairs, long evalEvery) {
            return new Options(arch, widthDiv, images, null, 0.2, 1, steps, batch, lr, "adam", 0.9, 5e-4, "constant",
                    -1, seed, valPairs, evalEvery, 0, 2, null, false, LOSS_HINGE, 0.5, 1.0,
                    ImageFolder.SplitKey.VARIANT, null, 0, null, 0);
        }

        public Options withLoss(String l, double mp, double mn) {
            return new Options(arch, widthDiv, images, valImages, valFraction, splitSeed, steps, batch, lr, optimizer,
                    momentum, weightDecay, schedule, averageFrom, seed, valPairs, evalEvery, patience, threads,
                    checkpointDir, progress, l, mp, mn, splitKey, checkpointFile, checkpointEvery, resume, stopAfter);
        }

        /**
         * Periodic resumable checkpoints ({@code every} steps, 0 = at evaluations), an optional resume, and an optional
         * stop after step {@code stop} of the schedule (0 = none).
         */
        public Options withCheckpoints(Path dir, Path file, long every, Path resumeFrom, long stop) {
            return new Options(arch, widthDiv, images, valImages, valFraction, splitSeed, steps, batch, lr, optimizer,
                    momentum, weightDecay, schedule, averageFrom, seed, valPairs, evalEvery, patience, threads,
                    dir, progress, loss, marginPos, marginNeg, splitKey, file, every, resumeFrom, stop);
        }

        public Options withOptimizer(String name, long averageStart, int threadCount) {
            return new Options(arch, widthDiv, images, valImages, valFraction, splitSeed, steps, batch, lr, name,
                    momentum, weightDecay, schedule, averageStart, seed, valPairs, evalEvery, patience, threadCount,
                    checkpointDir, progress, loss, marginPos, marginNeg, splitKey, checkpointFile, checkpointEvery,
                    resume, stopAfter);
        }

        public Options withSplitKey(ImageFolder.SplitKey key) {
            return new Options(arch, widthDiv, images, valImages, valFraction, splitSeed, steps, batch, lr, optimizer,
                    momentum, weightDecay, schedule, averageFrom, seed, valPairs, evalEvery, patience, threads,
                    checkpointDir, progress, loss, marginPos, marginNeg, key, checkpointFile, checkpointEvery, resume,
                    stopAfter);
        }

        /** The options a resumed run must share with the one that wrote the checkpoint (data, optimiser, schedule). */
        public String resumeIdentity() {
            return String.format(java.util.Locale.ROOT, "images=%s val=%s/%s/%d/%s steps=%d batch=%d lr=%s opt=%s "
                    + "momentum=%s wd=%s schedule=%s avg=%d seed=%d valPairs=%d evalEvery=%d patience=%d margins=%s/%s",
                    images.getFileName(), valImages, valFraction, splitSeed, splitKey, steps, batch, lr, optimizer,
                    momentum, weightDecay, schedule, averageFrom, seed, valPairs, evalEvery, patience, marginPos,
                    marginNeg);
        }

        /** Trainer family and the options that shape the net: a checkpoint only resumes into the same. */
        public String kind() {
            return "patch:" + arch + "/" + widthDiv + "/" + loss;
        }
    }

    public record Outcome(PatchNet net, WeightAverager averager, TrainingLoop.Result result, double fprUntrained,
                          double fprTrained, double fprTrainedSymmetric, double fprNcc, List<String> trainFiles,
                          List<String> valFiles, int valPairs, boolean splitByHash) {
    }

    /** The held-out side: a file-level split of --images, or all of --val-images. */
    public record Folders(ImageFolder train, ImageFolder validation, boolean split) {

        public static Folders of(Path images, Path valImages, double valFraction, long splitSeed,
                                 ImageFolder.SplitKey key) throws IOException {
            if (valImages != null) {
                return new Folders(ImageFolder.of(images), ImageFolder.of(valImages), false);
            }
            ImageFolder.Split s = ImageFolder.of(images).split(valFraction, splitSeed, key);
            return new Folders(s.train(), s.validation(), true);
        }
    }

    private PatchTrainer() {
    }

    public static Outcome train(Options o) throws IOException {
        set_num_threads(o.threads());
        manual_seed(o.seed());
        Folders f = Folders.of(o.images(), o.valImages(), o.valFraction(), o.splitSeed(), o.splitKey());
        PatchPairGenerator val = new PatchPairGenerator(f.validation(), validationSeed(o.seed()));
        PatchBatch valBatch = val.next(o.valPairs());
        PatchPairGenerator gen = new PatchPairGenerator(f.train(), o.seed());

        PatchNet net = PatchNets.create(o.arch(), o.widthDiv());
        // (code) MSR init for convs: N(0, 2/(k²·n_out)), zero biases; Xavier for the linear decision layers
        Init.apply(net, Init.Scheme.HE_FAN_OUT, Init.Scheme.XAVIER);
        boolean l2 = PatchNets.isDescriptor(o.arch());
        boolean l2Loss = LOSS_L2_HINGE.equals(o.loss());
        net.eval();
        double untrained = fpr95(net, valBatch, l2, false);
        net.train(true);

        Optimizer opt = switch (o.optimizer()) {
            case "adam" -> Optimizers.adam(net.parameters(), o.lr(), o.weightDecay());
            case "sgd", "asgd" -> Optimizers.sgd(net.parameters(), o.lr(), o.momentum(), false, o.weightDecay());
            case "nesterov" -> Optimizers.sgd(net.parameters(), o.lr(), o.momentum(), true, o.weightDecay());
            default -> throw new IllegalArgumentException("optimizer must be adam, sgd, nesterov or asgd");
        };
        long t0 = o.averageFrom() >= 0 ? o.averageFrom() : (o.optimizer().equals("asgd") ? o.steps() / 2 : -1);
        WeightAverager avg = t0 >= 0 ? new WeightAverager(net, t0) : null;
        TrainingLoop loop = new TrainingLoop(net, opt, LrSchedule.parse(o.schedule(), o.lr(), o.steps()), avg,
                new TrainingLoop.Config(o.steps(), o.evalEvery(), o.patience(), true, o.batch(), o.checkpointDir(),
                        o.progress()).withCheckpointing(o.checkpointFile(), o.checkpointEvery(), o.resume(), o.kind())
                        .withStopAfter(o.stopAfter()));
        // step k's batch is a function of (seed, k): the step is the data position, no stream state to save
        loop.meta("arch", o.arch()).meta("widthDiv", Integer.toString(o.widthDiv()))
                .requireSame("options", o.resumeIdentity());
        PatchNets.Descriptor desc = l2 ? (PatchNets.Descriptor) net.descriptor() : null;
        TrainingLoop.Result r = loop.run(step -> {
            // batch data from (seed, step): identical on resume, independent of evaluation calls
            long s = o.seed() * 0x9E3779B97F4A7C15L + step;
            gen.reseed(s);
            PatchBatch b = PairAugment.apply(gen.next(o.batch()), new SplittableRandom(~s));
            Tensor y = tensor(b.labels(), b.n(), 1);
            Tensor ta = tensor(b.a(), b.n(), 1, 64, 64);
            Tensor tb = tensor(b.b(), b.n(), 1, 64, 64);
            return l2Loss ? l2Hinge(desc, ta, tb, y, o.marginPos(), o.marginNeg()) : hinge(net.score(ta, tb), y);
        }, () -> fpr95(net, valBatch, l2, false));

        // publish the best (averaged, if ASGD) weights, as evaluated
        if (o.checkpointDir() != null && r.bestStep() > 0) {
            io.visionstreams.models.nn.Checkpoints.load(net, o.checkpointDir().resolve(TrainingLoop.BEST));
        } else if (avg != null) {
            avg.swapIn();
        }
        net.eval();
        double trained = fpr95(net, valBatch, l2, false);
        double sym = l2 ? Double.NaN : fpr95(net, valBatch, false, true);
        double ncc = Metrics.fpr95(Metrics.nccScores(valBatch), Metrics.positives(valBatch));
        return new Outcome(net, avg, r, untrained, trained, sym, ncc, names(f.train(), gen.usedImages()),
                names(f.validation(), val.usedImages()), valBatch.n(), f.split());
    }

    /** Names of the images the generator actually draws from (it skips small or flat ones). */
    private static List<String> names(ImageFolder folder, int[] used) {
        return java.util.Arrays.stream(used).mapToObj(folder::name).toList();
    }

    /** Seed of the fixed held-out pairs, distinct from the training stream. */
    public static long validationSeed(long seed) {
        return seed ^ 0x5DEECE66DL;
    }

    /** Fixed held-out pairs (seeded, no augmentation) from the given images only. */
    public static PatchBatch validationPairs(ImageFolder val, int n, long seed) {
        return new PatchPairGenerator(val, validationSeed(seed)).next(n);
    }

    /**
     * mean over pairs of max(0, d − m_p) for matches and max(0, m_n − d) for non-matches, where d is the
     * l2 distance of the l2-normalised descriptors (what the exported model is matched with).
     */
    public static Tensor l2Hinge(PatchNets.Descriptor desc, Tensor a, Tensor b, Tensor y, double mp, double mn) {
        Tensor diff = desc.describe(a).sub(desc.describe(b));
        // + eps: sqrt has an infinite gradient at 0 (identical descriptors)
        Tensor d = diff.pow(new Scalar(2)).sum(new long[] {1}, true, new ScalarTypeOptional())
                .add(new Scalar(1e-8)).sqrt();
        Tensor pos = y.add(new Scalar(1.0)).mul(new Scalar(0.5));
        Tensor neg = pos.neg().add(new Scalar(1.0));
        Tensor lp = relu(d.sub(new Scalar(mp))).mul(pos);
        Tensor ln = relu(d.neg().add(new Scalar(mn))).mul(neg);
        return lp.add(ln).mean();
    }

    /** mean(max(0, 1 − y·o)). */
    public static Tensor hinge(Tensor score, Tensor y) {
        return relu(score.mul(y).neg().add(new Scalar(1.0))).mean();
    }

    /** A libtorch copy of a float array (the native buffer is released with the caller's scope). */
    public static Tensor tensor(float[] data, long... shape) {
        FloatPointer p = new FloatPointer(data);
        return from_blob(p, shape).clone();
    }

    /** Scores (descriptor nets: −l2 distance; symmetric: o(a,b)+o(b,a)) for every pair, batched. */
    public static float[] scores(PatchNet net, PatchBatch batch, boolean l2, boolean symmetric) {
        float[] out = new float[batch.n()];
        boolean wasSym = net.isSymmetric();
        net.symmetric(symmetric);
        PatchNets.Descriptor d = l2 ? (PatchNets.Descriptor) net.descriptor() : null;
        int chunk = 250;
        try (NoGradGuard g = new NoGradGuard()) {
            for (int start = 0; start < batch.n(); start += chunk) {
                int m = Math.min(chunk, batch.n() - start);
                try (PointerScope scope = new PointerScope()) {
                    int px = batch.size() * batch.size();
                    float[] a = java.util.Arrays.copyOfRange(batch.a(), start * px, (start + m) * px);
                    float[] b = java.util.Arrays.copyOfRange(batch.b(), start * px, (start + m) * px);
                    Tensor ta = tensor(a, m, 1, 64, 64);
                    Tensor tb = tensor(b, m, 1, 64, 64);
                    float[] s = Export.data(l2 ? d.score(ta, tb) : net.score(ta, tb));
                    System.arraycopy(s, 0, out, start, m);
                }
            }
        } finally {
            net.symmetric(wasSym);
        }
        return out;
    }

    public static double fpr95(PatchNet net, PatchBatch batch, boolean l2, boolean symmetric) {
        return Metrics.fpr95(scores(net, batch, l2, symmetric), Metrics.positives(batch));
    }
}
