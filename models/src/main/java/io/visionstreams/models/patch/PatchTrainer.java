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
import org.bytedeco.pytorch.Tensor;

import io.visionstreams.models.nn.Export;
import io.visionstreams.models.train.Init;
import io.visionstreams.models.train.LrSchedule;
import io.visionstreams.models.train.Optimizers;
import io.visionstreams.models.train.TrainingLoop;
import io.visionstreams.models.train.WeightAverager;

/**
 * Trains a patch net with the hinge loss max(0, 1 − y·o) on balanced, augmented pairs, validating
 * FPR95 on pairs from held-out images (split by file), and reports the untrained and NCC baselines
 * on the same validation pairs.
 */
public final class PatchTrainer {

    public record Options(String arch, int widthDiv, Path images, Path valImages, long steps, int batch, double lr,
                          String optimizer, double momentum, double weightDecay, String schedule, long averageFrom,
                          long seed, int valPairs, long evalEvery, int patience, int threads, Path checkpointDir,
                          boolean progress) {
    }

    public record Outcome(PatchNet net, WeightAverager averager, TrainingLoop.Result result, double fprUntrained,
                          double fprTrained, double fprTrainedSymmetric, double fprNcc, List<String> trainFiles,
                          List<String> valFiles, int valPairs, boolean splitByHash) {
    }

    private PatchTrainer() {
    }

    public static Outcome train(Options o) throws IOException {
        set_num_threads(o.threads());
        manual_seed(o.seed());
        List<Path> all = ImageFolder.list(o.images());
        boolean hash = o.valImages() == null;
        List<Path> trainFiles = hash ? ImageFolder.split(all, false) : all;
        List<Path> valFiles = hash ? ImageFolder.split(all, true) : ImageFolder.list(o.valImages());
        List<ImageFolder.Gray> train = ImageFolder.load(trainFiles, 128);
        List<ImageFolder.Gray> val = ImageFolder.load(valFiles, 128);
        PatchBatch valBatch = validationPairs(val, o.valPairs(), o.seed());

        PatchNet net = PatchNets.create(o.arch(), o.widthDiv());
        // (code) MSR init for convs: N(0, 2/(k²·n_out)), zero biases; Xavier for the linear decision layers
        Init.apply(net, Init.Scheme.HE_FAN_OUT, Init.Scheme.XAVIER);
        boolean l2 = PatchNets.isDescriptor(o.arch());
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
                        o.progress()));
        TrainingLoop.Result r = loop.run(step -> {
            // batch data from (seed, step): identical on resume, independent of evaluation calls
            long s = o.seed() * 0x9E3779B97F4A7C15L + step;
            PatchBatch b = PairAugment.apply(new SimplePatchPairs(train, s).next(o.batch()), new SplittableRandom(~s));
            Tensor y = tensor(b.labels(), b.n(), 1);
            Tensor out = net.score(tensor(b.a(), b.n(), 1, 64, 64), tensor(b.b(), b.n(), 1, 64, 64));
            return hinge(out, y);
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
        return new Outcome(net, avg, r, untrained, trained, sym, ncc, names(train), names(val), valBatch.n(), hash);
    }

    private static List<String> names(List<ImageFolder.Gray> g) {
        return g.stream().map(ImageFolder.Gray::name).toList();
    }

    /** Fixed held-out pairs (seeded), no augmentation. */
    public static PatchBatch validationPairs(List<ImageFolder.Gray> val, int n, long seed) {
        return new SimplePatchPairs(val, seed ^ 0x5DEECE66DL).next(n);
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
                    int px = PatchBatch.PIXELS;
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
