package io.visionstreams.models;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.set_num_threads;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.visionstreams.models.onnx.OnnxChecker;
import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.SyntheticStereoGenerator.StereoPair;
import io.visionstreams.models.nn.Checkpoints;
import io.visionstreams.models.nn.OnnxParity;
import io.visionstreams.models.stereo.OrtStereoFeatures;
import io.visionstreams.models.stereo.OrtTiming;
import io.visionstreams.models.stereo.StereoFeatureNet;
import io.visionstreams.models.stereo.StereoMetrics;
import io.visionstreams.models.stereo.StereoTrainer;
import io.visionstreams.models.stereo.StereoZoo;
import io.visionstreams.models.train.TrainingLoop;
import io.visionstreams.schema.ModelDescriptor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains, evaluates and exports the stereo matching-cost feature network:
 * {@code train} (then writes model.onnx, model.json and report.txt into --out) and {@code evaluate}
 * (held-out WTA metrics of a checkpoint or of the untrained net, with the NCC baseline).
 */
public final class StereoTrainMain {

    static class Common {
        @Option(names = "--images", required = true, description = "folder of natural images used as textures")
        Path images;
        @Option(names = "--val-fraction", defaultValue = "0.2") double valFraction;
        @Option(names = "--split-seed", defaultValue = "1") long splitSeed;
        @Option(names = "--split-key", defaultValue = "variant", description = "variant (default: name variants such as "
                + "ela_original/ela_modified on one side) | sequence (the split of stereo-cost/1: frames and left/right only)")
        String splitKey;
        @Option(names = "--width", defaultValue = "320") int width;
        @Option(names = "--height", defaultValue = "240") int height;
        @Option(names = "--max-disparity", defaultValue = "64") double maxDisparity;
        @Option(names = "--layers", defaultValue = "4") int layers;
        @Option(names = "--channels", defaultValue = "16") int channels;
        @Option(names = "--features", defaultValue = "16") int features;
        @Option(names = "--val-pairs", defaultValue = "8") int valPairs;
        @Option(names = "--ncc-radius", defaultValue = "4", description = "NCC window (2r+1)²") int nccRadius;
        @Option(names = "--seed", defaultValue = "1") long seed;
        @Option(names = "--threads", defaultValue = "2") int threads;

        StereoTrainer.Options options() {
            return StereoTrainer.Options.defaults().withSize(width, height, maxDisparity)
                    .withValidation(valPairs, 0).withRun(seed, null, true);
        }

        StereoFeatureNet newNet() {
            set_num_threads(threads);
            manual_seed(seed);
            return new StereoFeatureNet(new StereoFeatureNet.Config(layers, channels, features));
        }

        ImageFolder.Split split() throws Exception {
            ImageFolder.SplitKey key = ImageFolder.SplitKey.parse(splitKey);
            ImageFolder.Split s = ImageFolder.of(images).split(valFraction, splitSeed, key);
            System.err.printf(Locale.ROOT, "images: %d train, %d validation (file-level split, %s key)%n",
                    s.train().size(), s.validation().size(), key.cliName());
            return s;
        }
    }

    @Command(name = "stereo", mixinStandardHelpOptions = true,
            description = "Train the stereo matching-cost feature network on synthetic rectified pairs")
    static final class Train extends Common implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "zoo version folder, e.g. models/zoo/stereo-cost/1")
        Path out;
        @Option(names = "--steps", defaultValue = "2000") long steps;
        @Option(names = "--eval-every", defaultValue = "250") long evalEvery;
        @Option(names = "--patience", defaultValue = "0", description = "evaluations without improvement; 0 = off") int patience;
        @Option(names = "--samples", defaultValue = "256", description = "pixels per step") int samples;
        @Option(names = "--neg-offset", defaultValue = "8", description = "negatives at ±(1..N) px") int neg;
        @Option(names = "--pool", defaultValue = "16", description = "rendered training pairs kept") int pool;
        @Option(names = "--lr", defaultValue = "1e-3") double lr;
        @Option(names = "--schedule", defaultValue = "constant", description = "constant | cosine[:min] | step:F@M1,M2")
        String schedule;
        @Option(names = "--margin", defaultValue = "0.2", description = "hinge margin on cosine similarities") double margin;
        @Option(names = "--sampling", defaultValue = "strips", description = "strips (stereo-cost/1: a few hundred "
                + "pixels per step, negatives ±1..N) | dense (full-width bands, every pixel against the whole range)")
        String sampling;
        @Option(names = "--crops", defaultValue = "4", description = "dense: bands per step") int crops;
        @Option(names = "--rows", defaultValue = "16", description = "dense: rows per band") int rows;
        @Option(names = "--neg-min", defaultValue = "2", description = "dense: negatives at |d - truth| >= this") double negMin;
        @Option(names = "--loss", defaultValue = "softmax", description = "dense: softmax | hinge") String loss;
        @Option(names = "--temperature", defaultValue = "0.1", description = "dense softmax temperature") double temperature;
        @Option(names = "--compare-with", description = "another stereo zoo entry, scored through ONNX Runtime on the same "
                + "held-out pairs for the report") Path compareWith;
        @Option(names = "--version", defaultValue = "1") String version;
        @Option(names = "--checkpoint", description = "resumable training checkpoint (weights, Adam state, step, "
                + "early-stopping state, the pair pool's position); default <out>/checkpoints/last.ckpt")
        Path checkpoint;
        @Option(names = "--checkpoint-every", defaultValue = "0", description = "write the checkpoint every N steps "
                + "(0 = after every evaluation); always written at the end")
        long checkpointEvery;
        @Option(names = "--resume", description = "continue from this checkpoint (same options as the run that wrote it)")
        Path resume;
        @Option(names = "--stop-after", defaultValue = "0", description = "end after this step of the --steps schedule, "
                + "writing the checkpoint and no zoo entry (split a long run over sessions; continue with --resume)")
        long stopAfter;

        StereoTrainer.Dense dense() {
            return switch (sampling) {
                case "strips" -> null;
                case "dense" -> new StereoTrainer.Dense(crops, rows, negMin,
                        StereoTrainer.Loss.valueOf(loss.toUpperCase(Locale.ROOT)), temperature);
                default -> throw new IllegalArgumentException("--sampling must be strips or dense, got " + sampling);
            };
        }

        @Override
        public Integer call() throws Exception {
            ImageFolder.Split split = split();
            StereoFeatureNet net = newNet();
            Path ckpt = out.resolve("checkpoints");
            StereoTrainer.Options o = options().withSteps(steps, evalEvery).withBatch(samples, neg, pool, lr)
                    .withValidation(valPairs, patience).withRun(seed, ckpt, true).withMargin(margin)
                    .withDense(dense()).withSchedule(schedule);
            StereoTrainer t = new StereoTrainer(net, split.train(), split.validation(), o);
            int nd = o.numDisparities();
            StereoMetrics untrained = StereoTrainer.evaluate(net, t.validation(), nd);
            StereoMetrics ncc = StereoTrainer.evaluateNcc(t.validation(), nd, nccRadius);
            System.err.println("untrained: " + untrained + "\nNCC:       " + ncc);
            StereoMetrics other = null;
            if (compareWith != null) {
                try (OrtStereoFeatures ort = OrtStereoFeatures.open(compareWith, threads)) {
                    other = StereoTrainer.evaluate(ort, t.validation(), nd);
                }
                System.err.println(compareWith + ": " + other);
            }
            TrainingLoop.Result r = t.train(new StereoTrainer.Checkpointing(checkpoint, checkpointEvery, resume, stopAfter));
            if (r.stepsRun() < steps && !r.stoppedEarly()) {
                System.err.printf(Locale.ROOT, "%nstopped at step %d of %d (--stop-after); checkpoint %s; no zoo entry "
                        + "written%n", r.stepsRun(), steps, checkpoint != null ? checkpoint : ckpt.resolve(TrainingLoop.LAST));
                return 0;
            }
            Checkpoints.load(net, ckpt.resolve(TrainingLoop.BEST));
            StereoMetrics trained = StereoTrainer.evaluate(net, t.validation(), nd);
            System.err.println("\ntrained (best at step " + r.bestStep() + "): " + trained);

            net.eval();
            byte[] onnx = net.exportOnnx("stereo-cost");
            Files.createDirectories(out);
            OnnxChecker.writeChecked(out.resolve("model.onnx"), onnx);
            String sha = ModelDescriptor.sha256Hex(onnx);
            StereoZoo.descriptor(version, sha, 640, 480, true).write(out.resolve(ModelDescriptor.FILE_NAME));
            OnnxParity.Result p1 = OnnxParity.check(net, onnx, List.of(new long[] {1, 1, 240, 320}), 7);
            OnnxParity.Result p2 = OnnxParity.check(net, onnx, List.of(new long[] {1, 1, 480, 640}), 8);
            OrtTiming.Result ort2 = OrtTiming.measure(onnx, 640, 480, 2, 10);
            OrtTiming.Result ort1 = OrtTiming.measure(onnx, 640, 480, 1, 10);

            List<String> lines = new ArrayList<>();
            lines.add("architecture " + net.config().name() + " params " + net.parameterCount() + " MAC/px "
                    + net.macsPerPixel() + " GMAC per 640x480 " + String.format(Locale.ROOT, "%.3f",
                    net.macsPerPixel() * 640.0 * 480 / 1e9));
            lines.add("data " + split.train().size() + " train images, " + split.validation().size()
                    + " validation images; pairs " + width + "x" + height + " maxDisparity " + maxDisparity
                    + "; " + valPairs + " held-out pairs, D=" + nd);
            lines.add("split " + splitKey + " (fraction " + valFraction + ", seed " + splitSeed + "); validation images "
                    + split.validation().files().stream().map(f -> f.getFileName().toString()).toList());
            StereoTrainer.Dense dn = o.dense();
            lines.add(String.format(Locale.ROOT, "training steps %d (best %d) in %.1f s%s; %s; lr %g, schedule %s",
                    r.stepsRun(), r.bestStep(), r.seconds(), resume != null ? " (this invocation only: it resumed "
                            + "from a checkpoint)" : "", dn == null
                            ? String.format(Locale.ROOT, "strips: samples/step %d, neg ±1..%d, margin %g", samples, neg, margin)
                            : String.format(Locale.ROOT, "dense: %d bands x %d rows x %d px per step, negatives |d - truth| >= %g, "
                                    + "loss %s (T %g, margin %g), pool %d", dn.crops(), dn.rows(), width, dn.negMin(),
                                    dn.loss(), dn.temperature(), margin, pool),
                    lr, schedule));
            for (TrainingLoop.Eval e : r.history()) {
                lines.add(String.format(Locale.ROOT, "  step %d train loss %.4f val bad-2 %.2f%%", e.step(), e.trainLoss(),
                        e.metric()));
            }
            lines.add("untrained  " + untrained);
            lines.add("trained    " + trained);
            lines.add("NCC " + (2 * nccRadius + 1) + "x" + (2 * nccRadius + 1) + "  " + ncc);
            if (other != null) {
                lines.add(compareWith + " (ONNX Runtime)  " + other);
            }
            OrtTiming.Result half2 = OrtTiming.measure(onnx, 320, 240, 2, 20);
            OrtTiming.Result half1 = OrtTiming.measure(onnx, 320, 240, 1, 20);
            lines.add(String.format(Locale.ROOT, "ORT CPU 320x240 (the service's half scale) batch 1: 2 threads median %.1f ms (p90 %.1f); "
                    + "1 thread median %.1f ms (p90 %.1f)", half2.medianMs(), half2.p90Ms(), half1.medianMs(), half1.p90Ms()));
            lines.add(String.format(Locale.ROOT, "parity max abs %.3g (rel %.3g) at 320x240, %.3g (rel %.3g) at 640x480",
                    p1.maxAbsDiff(), p1.maxRelDiff(), p2.maxAbsDiff(), p2.maxRelDiff()));
            lines.add(String.format(Locale.ROOT, "ORT CPU 640x480 batch 1: 2 threads median %.1f ms (p90 %.1f); 1 thread median %.1f ms (p90 %.1f)",
                    ort2.medianMs(), ort2.p90Ms(), ort1.medianMs(), ort1.p90Ms()));
            lines.add("onnx sha256 " + sha + " (" + onnx.length + " bytes)");
            Files.write(out.resolve("report.txt"), lines, StandardCharsets.UTF_8);
            lines.forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "stereo", mixinStandardHelpOptions = true,
            description = "Held-out bad-1/2/4 and EPE of a stereo zoo entry (ONNX Runtime) or checkpoint vs NCC")
    static final class Evaluate extends Common implements Callable<Integer> {
        @Option(names = "--checkpoint", description = "libtorch checkpoint (best.pt)")
        Path checkpoint;
        @Option(names = "--model", description = "zoo entry folder (model.json + model.onnx), run in ONNX Runtime; "
                + "with neither --model nor --checkpoint: the untrained net")
        Path model;

        @Override
        public Integer call() throws Exception {
            ImageFolder.Split split = split();
            StereoTrainer.Options o = options();
            List<StereoPair> val = StereoTrainer.validationPairs(split.validation(), o);
            if (model != null) {
                try (OrtStereoFeatures ort = OrtStereoFeatures.open(model, threads)) {
                    System.out.println("onnx      " + StereoTrainer.evaluate(ort, val, o.numDisparities()));
                }
            }
            if (checkpoint != null || model == null) {
                StereoFeatureNet net = newNet();
                if (checkpoint != null) {
                    Checkpoints.load(net, checkpoint);
                }
                System.out.println((checkpoint == null ? "untrained " : "network   ")
                        + StereoTrainer.evaluate(net, val, o.numDisparities()));
            }
            System.out.println("NCC " + (2 * nccRadius + 1) + "x" + (2 * nccRadius + 1) + "  "
                    + StereoTrainer.evaluateNcc(val, o.numDisparities(), nccRadius));
            return 0;
        }
    }

    /** Kept for the command in stereo-cost/1's model card: same as {@code trainer train|evaluate stereo ...}. */
    public static void main(String[] args) {
        String[] rest = java.util.Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        String verb = args.length == 0 ? "train" : args[0];
        String[] full = new String[rest.length + 2];
        full[0] = verb;
        full[1] = "stereo";
        System.arraycopy(rest, 0, full, 2, rest.length);
        TrainerCli.main(full);
    }
}
