package io.visionstreams.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.PatchBatch;
import io.visionstreams.models.nn.Checkpoints;
import io.visionstreams.models.onnx.Fp16Variant;
import io.visionstreams.models.onnx.OnnxChecker;
import io.visionstreams.models.onnx.OrtComparison;
import io.visionstreams.models.patch.Metrics;
import io.visionstreams.models.patch.PatchNet;
import io.visionstreams.models.patch.PatchNets;
import io.visionstreams.models.patch.PatchTrainer;
import io.visionstreams.models.patch.PatchZoo;
import io.visionstreams.models.train.TrainingLoop;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The trainer's entry point: {@code train patch}, {@code evaluate patch}, {@code export patch},
 * {@code generate stereo}, {@code generate homography}.
 * Data folders are arguments; nothing here knows where the shared data lives.
 */
@Command(name = "trainer", mixinStandardHelpOptions = true, subcommands = {TrainerCli.Train.class,
        TrainerCli.Evaluate.class, TrainerCli.ExportCmd.class, TrainerCli.Generate.class, TrainerCli.CheckOnnx.class})
public final class TrainerCli {

    static String commandLine;

    public static void main(String[] args) {
        commandLine = "trainer " + String.join(" ", args);
        System.exit(commandLine().setExecutionExceptionHandler(TrainerCli::plainError).execute(args));
    }

    /**
     * Bad input (a refused checkpoint, a missing file, an invalid option value) is reported as its message, not a
     * stack trace; anything else keeps its trace.
     */
    static int plainError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
            cl.getErr().println("error: " + e.getMessage());
            return 2;
        }
        throw e;
    }

    /**
     * The command line as a card's reproduce command: without {@code --resume FILE} and {@code --stop-after N},
     * since an interrupted and resumed run gives the same model as one uninterrupted run of the rest.
     */
    static String reproducible(List<String> args) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--resume") || a.equals("--stop-after")) {
                i++;
            } else if (!a.startsWith("--resume=") && !a.startsWith("--stop-after=")) {
                out.add(a);
            }
        }
        return String.join(" ", out);
    }

    /** The trainer's commands: one subcommand per model family under train, evaluate and export. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TrainerCli());
        cl.getSubcommands().get("train").addSubcommand("stereo", new StereoTrainMain.Train());
        cl.getSubcommands().get("evaluate").addSubcommand("stereo", new StereoTrainMain.Evaluate());
        cl.getSubcommands().get("train").addSubcommand("detection", new DetectionTrainMain());
        cl.getSubcommands().get("train").addSubcommand("style", new StyleTrainMain.Style());
        return cl;
    }

    @Command(name = "train", mixinStandardHelpOptions = true, subcommands = TrainPatch.class, description = "Train a model family")
    static final class Train {
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true, subcommands = {EvaluatePatch.class,
            EvaluateDetector.class, EvaluateSpeed.class}, description = "Evaluate a trained model")
    static final class Evaluate {
    }

    @Command(name = "export", mixinStandardHelpOptions = true, subcommands = {ExportPatch.class, ExportFp16.class},
            description = "Export a checkpoint to a zoo entry, or derive the FP16 variant of an ONNX model")
    static final class ExportCmd {
    }

    @Command(name = "check-onnx", mixinStandardHelpOptions = true, description = "Run onnx's full checker (schemas, "
            + "strict shape and type inference) on ONNX files, in a child JVM with the checker's own JavaCPP")
    static final class CheckOnnx implements Callable<Integer> {
        @CommandLine.Parameters(arity = "1..*", paramLabel = "FILE", description = "model.onnx files")
        java.util.List<Path> files;

        @Override
        public Integer call() throws Exception {
            boolean ok = true;
            for (OnnxChecker.Verdict v : OnnxChecker.locate().check(files)) {
                System.out.println(v.ok() ? "OK   " + v.file() : "FAIL " + v.file() + ": " + v.message());
                ok &= v.ok();
            }
            return ok ? 0 : 1;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, subcommands = {StereoGenerateMain.class, GenerateHomographyMain.class},
            description = "Write synthetic evaluation data (held-out side of the image split by default)")
    static final class Generate {
    }

    @Command(name = "patch", mixinStandardHelpOptions = true, description = "Train a patch-matching net")
    static final class TrainPatch implements Callable<Integer> {
        @Option(names = "--arch", required = true, description = "${COMPLETION-CANDIDATES}: 2ch, 2ch-avg, 2ch-deep, "
                + "2ch-2stream, siam, pseudo-siam, siam-2stream, siam-l2, pseudo-siam-l2, siam-2stream-l2")
        String arch;
        @Option(names = "--images", required = true, description = "folder of natural images (jpg/png)")
        Path images;
        @Option(names = "--val-images", description = "held-out folder; default: a file-level split of --images")
        Path valImages;
        @Option(names = "--val-fraction", defaultValue = "0.2", description = "share of --images files held out")
        double valFraction;
        @Option(names = "--split-seed", defaultValue = "1", description = "seed of the file-level split")
        long splitSeed;
        @Option(names = "--loss", defaultValue = "hinge", description = "hinge (thesis: max(0, 1 − y·o) on the "
                + "network output) | l2-hinge (-l2 archs: distance hinge on the l2-normalised descriptors)")
        String loss;
        @Option(names = "--margin-pos", defaultValue = "0.2", description = "l2-hinge: matches pulled below this distance")
        double marginPos;
        @Option(names = "--margin-neg", defaultValue = "1.0", description = "l2-hinge: non-matches pushed beyond this distance")
        double marginNeg;
        @Option(names = "--steps", defaultValue = "2000")
        long steps;
        @Option(names = "--batch", defaultValue = "128")
        int batch;
        @Option(names = "--lr", defaultValue = "1e-3")
        double lr;
        @Option(names = "--optimizer", defaultValue = "adam", description = "adam | sgd | nesterov | asgd")
        String optimizer;
        @Option(names = "--momentum", defaultValue = "0.9")
        double momentum;
        @Option(names = "--weight-decay", defaultValue = "5e-4")
        double weightDecay;
        @Option(names = "--schedule", defaultValue = "constant", description = "constant | cosine[:min] | step:F@M1,M2")
        String schedule;
        @Option(names = "--average-from", defaultValue = "-1", description = "ASGD averaging start step t0 (-1: "
                + "steps/2 for asgd, off otherwise)")
        long averageFrom;
        @Option(names = "--width-div", defaultValue = "1", description = "divide every layer width (1 = published)")
        int widthDiv;
        @Option(names = "--seed", defaultValue = "1")
        long seed;
        @Option(names = "--val-pairs", defaultValue = "2000")
        int valPairs;
        @Option(names = "--eval-every", defaultValue = "500")
        long evalEvery;
        @Option(names = "--patience", defaultValue = "0", description = "evaluations without improvement (0 = off)")
        int patience;
        @Option(names = "--threads", defaultValue = "2")
        int threads;
        @Option(names = "--symmetric", description = "export o(a,b)+o(b,a) (pair scorers)")
        boolean symmetric;
        @Option(names = "--name", description = "zoo name (default patch-<arch>)")
        String name;
        @Option(names = "--version", defaultValue = "1")
        String version;
        @Option(names = "--out", required = true, description = "zoo entry folder to write")
        Path out;
        @Option(names = "--checkpoints", description = "folder for best.pt and, by default, the resumable "
                + "checkpoint last.ckpt (default target/checkpoints/<name>-<version>)")
        Path checkpoints;
        @Option(names = "--checkpoint", description = "resumable training checkpoint (model, optimiser, average, step, "
                + "early-stopping state); default <checkpoints>/last.ckpt")
        Path checkpoint;
        @Option(names = "--checkpoint-every", defaultValue = "0", description = "write the checkpoint every N steps "
                + "(0 = after every evaluation); always written at the end")
        long checkpointEvery;
        @Option(names = "--resume", description = "continue from this checkpoint (same options as the run that wrote it)")
        Path resume;
        @Option(names = "--stop-after", defaultValue = "0", description = "end after this step of the --steps schedule, "
                + "writing the checkpoint and no zoo entry (split a long run over sessions; continue with --resume)")
        long stopAfter;
        @Option(names = "--split-key", defaultValue = "variant", description = "variant (default: name variants such "
                + "as ela_original/ela_modified on one side) | sequence (the v1 models' split: numbered frames and "
                + "left/right views only)")
        String splitKey;

        @Override
        public Integer call() throws Exception {
            Path ckpt = checkpoints != null ? checkpoints
                    : Path.of("target", "checkpoints", (name != null ? name : "patch-" + arch) + "-" + version);
            PatchTrainer.Options o = new PatchTrainer.Options(arch, widthDiv, images, valImages, valFraction,
                    splitSeed, steps, batch, lr, optimizer, momentum, weightDecay, schedule, averageFrom, seed, valPairs,
                    evalEvery, patience, threads, ckpt, true, loss, marginPos, marginNeg,
                    ImageFolder.SplitKey.parse(splitKey), checkpoint, checkpointEvery, resume, stopAfter);
            long t0 = System.nanoTime();
            PatchTrainer.Outcome r = PatchTrainer.train(o);
            double secs = (System.nanoTime() - t0) / 1e9;
            if (r.result().stepsRun() < steps && !r.result().stoppedEarly()) {
                System.err.printf(Locale.ROOT, "%nstopped at step %d of %d (--stop-after); no zoo entry written%n",
                        r.result().stepsRun(), steps);
                return 0;
            }
            String n = name != null ? name : "patch-" + arch;
            Files.createDirectories(out);
            // the exported weights are also <checkpoints>/best.pt (resume state: --checkpoint, default last.ckpt)
            PatchZoo.Written w = PatchZoo.write(out, n, version, arch, r.net(), symmetric, true,
                    card(n + " " + version, o, r, secs, symmetric));
            System.err.printf(Locale.ROOT, "%nFPR95 held-out: trained %.2f%%, untrained %.2f%%, NCC %.2f%%; "
                    + "parity rel %.2g; wrote %s%n", r.fprTrained(), r.fprUntrained(), r.fprNcc(),
                    w.parity().maxRelDiff(), out);
            return 0;
        }
    }

    static String card(String name, PatchTrainer.Options o, PatchTrainer.Outcome r, double secs, boolean symmetric) {
        PatchNet net = r.net();
        boolean l2 = PatchNets.isDescriptor(o.arch());
        boolean l2Loss = PatchTrainer.LOSS_L2_HINGE.equals(o.loss());
        StringBuilder sb = new StringBuilder();
        sb.append("# Model card: ").append(name).append("\n\n");
        sb.append(l2 ? "Patch descriptor (" : "Patch-pair similarity (").append(o.arch())
                .append(", models-patch-stereo.md §3) trained in Java with libtorch on CPU.\n\n");
        sb.append("| | |\n|---|---|\n");
        sb.append("| Task | ").append(l2 ? "patch-descriptor: l2-normalised descriptor, match with −‖d1 − d2‖₂ "
                + "(higher = more similar)" : "patch-matching: raw similarity score per pair, higher = more similar "
                + "(hinge-trained on ±1, no sigmoid)").append(" |\n");
        sb.append("| Input contract | 64×64 grayscale patches, pixel/255 in [0,1]; the per-patch mean subtraction "
                + "(§1) is **inside the graph** |\n");
        if (l2) {
            PatchNets.Descriptor d = (PatchNets.Descriptor) net.descriptor();
            sb.append(String.format(Locale.ROOT, "| Parameters | %,d (descriptor branch; the siamese net has %,d%s) |%n",
                    d.parameters(), net.parameterCount(), l2Loss ? ", its top untrained and not exported" : ""));
            sb.append(String.format(Locale.ROOT, "| Compute | %,d MACs = %,d FLOPs per patch; %d-d descriptor |%n",
                    d.macsPerPatch(), 2 * d.macsPerPatch(), d.length()));
        } else {
            long macs = net.macsPerPair() * (symmetric ? 2 : 1);
            sb.append(String.format(Locale.ROOT, "| Parameters | %,d |%n", net.parameterCount()));
            sb.append(String.format(Locale.ROOT, "| Compute | %,d MACs = %,d FLOPs per pair%s |%n", macs, 2 * macs,
                    symmetric ? " (symmetric: two passes)" : ""));
        }
        sb.append("@@EXPORT@@");
        sb.append("\n## Held-out evaluation\n\n");
        sb.append(String.format(Locale.ROOT, "%d fixed pairs (half matches) drawn from %d held-out images that no "
                + "training pair came from (%s). FPR95 = false-positive rate at 95%% true-positive rate, "
                + "reference implementation of §7 (ties together, linear interpolation), lower is better.%n%n",
                r.valPairs(), r.valFiles().size(), r.splitByHash() ? String.format(Locale.ROOT, "file-level "
                        + "`ImageFolder.split(%s, seed %d, %s)` of the image folder, %s kept on one side",
                        o.valFraction(), o.splitSeed(), o.splitKey(), o.splitKey() == ImageFolder.SplitKey.VARIANT
                                ? "numbered frames, left/right views and name variants (ela_original/ela_modified) "
                                + "of one picture" : "numbered frames and left/right views of one scene")
                        : "--val-images"));
        sb.append("| Model | FPR95 (%) |\n|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| this model (trained%s) | **%.2f** |%n", l2 ? ", −l2 distance" : "",
                r.fprTrained()));
        if (!l2) {
            sb.append(String.format(Locale.ROOT, "| this model, symmetric o(a,b)+o(b,a) | %.2f |%n",
                    r.fprTrainedSymmetric()));
        }
        sb.append(String.format(Locale.ROOT, "| same architecture, untrained (seeded init) | %.2f |%n",
                r.fprUntrained()));
        sb.append(String.format(Locale.ROOT, "| NCC on raw pixels (classical baseline) | %.2f |%n%n", r.fprNcc()));
        sb.append("Validation images: ").append(String.join(", ", r.valFiles())).append("\n\n");
        sb.append("**Data caveat.** Pairs come from `data.PatchPairGenerator` (training and validation alike, over "
                + "disjoint images): a match is a textured point and its image under a random homography (rotation "
                + "±30°, scale 0.7–1.4, shear, mild perspective, ±16 px shift), a non-match another point under its own "
                + "homography, 30% of them hard negatives 10–40 px away in the same image; independent blur/gamma/"
                + "gain/bias/noise on both patches. This is synthetic planar warping, not a multi-view benchmark "
                + "(Brown/UBC): the numbers are not comparable with the thesis tables.\n\n");
        sb.append("## Training\n\n");
        TrainingLoop.Result tr = r.result();
        sb.append(String.format(Locale.ROOT, "- %d training images, %d steps × batch %d (balanced, same "
                + "flip/rotation on both patches, random order swap), %s%n",
                r.trainFiles().size(), tr.stepsRun(), o.batch(), l2Loss ? String.format(Locale.ROOT, "**l2-hinge "
                + "loss on the descriptor**: d = ‖d̂(a) − d̂(b)‖₂ of the l2-normalised descriptors, max(0, d − %s) for "
                + "matches, max(0, %s − d) for non-matches. *Deviation from the thesis*, which trained through the "
                + "siamese top network with the hinge loss and used l2 matching only at test time; here the top "
                + "network is not trained at all (only the exported branch is)", o.marginPos(), o.marginNeg())
                : "hinge loss max(0, 1 − y·o)" + (l2 ? " through the siamese top network (as the thesis; the "
                + "descriptor is only used at test time)" : "")));
        sb.append(String.format(Locale.ROOT, "- optimiser %s, lr %g, schedule %s, weight decay %g%s, seed %d, "
                + "%d threads%n", o.optimizer(), o.lr(), o.schedule(), o.weightDecay(),
                r.averager() != null ? ", ASGD averaging from step " + r.averager().t0() : "", o.seed(), o.threads()));
        sb.append("- init: He fan-out N(0, 2/(k²·n_out)) for convs (as the authors' code), Xavier for linear layers, "
                + "zero biases\n");
        sb.append(String.format(Locale.ROOT, "- wall time %s on a shared 2-core CPU%s; best validation FPR95 at step %d "
                + "(exported weights)%n", fmt(secs), o.resume() != null ? " (this invocation only: it resumed from a "
                + "checkpoint)" : "", tr.bestStep()));
        sb.append("\n| step | mean train loss | val FPR95 | lr |\n|---|---|---|---|\n");
        for (TrainingLoop.Eval e : tr.history()) {
            sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.2f | %g |%n", e.step(), e.trainLoss(), e.metric(),
                    e.lr()));
        }
        String args = commandLine == null ? "train patch ..."
                : reproducible(List.of(commandLine.substring("trainer ".length()).split(" ")));
        sb.append("\n## Reproduce\n\nFrom the repository root (the data folder is an argument), with the launcher "
                + "(builds the models module, then runs TrainerCli):\n\n```\n")
                .append("./vision-streams ").append(args).append("\n```\n\nor without it:\n\n```\n")
                .append("./mvnw -q -o -pl models -am compile && ./mvnw -q -o -pl models dependency:build-classpath "
                        + "-Dmdep.outputFile=target/cp.txt\n")
                .append("OMP_WAIT_POLICY=PASSIVE java -cp models/target/classes:schemas/target/classes:$(cat models/target/cp.txt) "
                        + "io.visionstreams.models.TrainerCli ")
                .append(args).append("\n```\n");
        return sb.toString();
    }

    static String fmt(double secs) {
        Duration d = Duration.ofSeconds((long) secs);
        return String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }

    @Command(name = "patch", mixinStandardHelpOptions = true, description = "FPR95 of a zoo patch model vs NCC")
    static final class EvaluatePatch implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "zoo entry folder (model.onnx + model.json)")
        Path model;
        @Option(names = "--images", required = true, description = "image folder to draw pairs from")
        Path images;
        @Option(names = "--val-fraction", defaultValue = "0", description = "0: all files; > 0: only the validation "
                + "side of the file-level split (with the training run's --val-fraction, --split-seed, --seed and "
                + "--val-pairs this reproduces its held-out pairs)")
        double valFraction;
        @Option(names = "--split-seed", defaultValue = "1")
        long splitSeed;
        @Option(names = "--pairs", defaultValue = "2000")
        int pairs;
        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Option(names = "--split-key", defaultValue = "variant", description = "grouping of the file-level split: "
                + "variant (the training default) | sequence (the split of the v1 patch models)")
        String splitKey;
        @Option(names = "--leak-free", description = "drop held-out images that have a name variant (ImageFolder."
                + "variantKey) among the images the training side actually used, and list them")
        boolean leakFree;
        @Option(names = "--arch", description = "also score the untrained network of this architecture (seeded "
                + "init from --seed, as the training run started)")
        String arch;
        @Option(names = "--width-div", defaultValue = "1")
        int widthDiv;

        @Override
        public Integer call() throws Exception {
            var d = io.visionstreams.schema.ModelDescriptor.read(model.resolve("model.json"));
            d.verifyOnnx(model.resolve("model.json"));
            ImageFolder all = ImageFolder.of(images);
            ImageFolder imgs = all;
            if (valFraction > 0) {
                ImageFolder.Split split = all.split(valFraction, splitSeed, ImageFolder.SplitKey.parse(splitKey));
                imgs = split.validation();
                if (leakFree) {
                    // the generator skips small or flat images: only the ones it drew from were trained on
                    io.visionstreams.models.data.PatchPairGenerator g =
                            new io.visionstreams.models.data.PatchPairGenerator(split.train(), seed);
                    java.util.List<String> used = java.util.Arrays.stream(g.usedImages()).mapToObj(split.train()::name).toList();
                    java.util.List<String> leaked = ImageFolder.leakedNames(imgs.names(), used);
                    System.out.printf("held out %d images; with a variant among the %d training images used: %s%n",
                            imgs.size(), used.size(), leaked);
                    imgs = imgs.withoutVariantsOf(used);
                }
            } else if (leakFree) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--leak-free needs the training run's "
                        + "split (--val-fraction > 0, --split-seed, --split-key)");
            }
            PatchBatch b = PatchTrainer.validationPairs(imgs, pairs, seed);
            float[] s = OrtScorer.scores(model.resolve(d.onnx()), d, b);
            io.visionstreams.models.data.PatchPairGenerator used = new io.visionstreams.models.data.PatchPairGenerator(imgs, 0);
            System.out.printf(Locale.ROOT, "pairs from %d images: %s%n", used.usedImages().length,
                    java.util.Arrays.stream(used.usedImages()).mapToObj(imgs::name).toList());
            System.out.printf(Locale.ROOT, "%s: FPR95 %.2f%% (NCC %.2f%%) on %d pairs from %d images%n", d.name(),
                    Metrics.fpr95(s, Metrics.positives(b)), Metrics.fpr95(Metrics.nccScores(b), Metrics.positives(b)),
                    b.n(), imgs.size());
            if (arch != null) {
                org.bytedeco.pytorch.global.torch.manual_seed(seed);
                PatchNet net = PatchNets.create(arch, widthDiv);
                io.visionstreams.models.train.Init.apply(net, io.visionstreams.models.train.Init.Scheme.HE_FAN_OUT,
                        io.visionstreams.models.train.Init.Scheme.XAVIER);
                net.eval();
                System.out.printf(Locale.ROOT, "untrained %s (seed %d, libtorch): FPR95 %.2f%%%n", arch, seed,
                        PatchTrainer.fpr95(net, b, PatchNets.isDescriptor(arch), false));
            }
            return 0;
        }
    }

    @Command(name = "speed", mixinStandardHelpOptions = true, description = "ONNX Runtime CPU latency of a zoo model "
            + "on random inputs (median and p90 per batch, with the machine's load average)")
    static final class EvaluateSpeed implements Callable<Integer> {
        @Option(names = "--model", required = true, arity = "1..*", description = "zoo entry folders")
        java.util.List<Path> models;
        @Option(names = "--batch", defaultValue = "1")
        int batch;
        @Option(names = "--spatial", defaultValue = "64", description = "size of symbolic dims other than the batch")
        int spatial;
        @Option(names = "--threads", defaultValue = "2", description = "ORT intra-op threads")
        int threads;
        @Option(names = "--runs", defaultValue = "20")
        int runs;

        @Override
        public Integer call() throws Exception {
            for (Path m : models) {
                var d = io.visionstreams.schema.ModelDescriptor.read(m.resolve("model.json"));
                d.verifyOnnx(m.resolve("model.json"));
                var r = io.visionstreams.models.onnx.OrtSpeed.measure(Files.readAllBytes(m.resolve(d.onnx())), batch,
                        spatial, threads, 3, runs);
                StringBuilder shapes = new StringBuilder();
                r.shapes().forEach((k, v) -> shapes.append(shapes.length() == 0 ? "" : ", ").append(k)
                        .append(java.util.Arrays.toString(v)));
                System.out.printf(Locale.ROOT, "%s/%s: %.2f ms per batch of %d (p90 %.2f) = %.3f ms per item; inputs %s; "
                        + "%d ORT threads; load average %.2f -> %.2f%n", d.name(), d.version(), r.medianMs(), batch,
                        r.p90Ms(), r.medianMsPerItem(), shapes, threads, r.loadBefore(), r.loadAfter());
            }
            return 0;
        }
    }

    /**
     * Held-out COCO AP of a shipped WRN detector (ONNX Runtime on its model.onnx) and of the untrained net of the same
     * config, on scenes drawn over the validation backgrounds of the training run's split, optionally without the
     * backgrounds that have a name variant on the training side.
     */
    @Command(name = "detector", mixinStandardHelpOptions = true, description = "Held-out AP of a zoo WRN detector "
            + "(ORT) and of its untrained net, on generated scenes over the training run's validation backgrounds")
    static final class EvaluateDetector implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "zoo entry folder (model.onnx + model.json)")
        Path model;
        @Option(names = "--images", required = true)
        Path images;
        @Option(names = "--config", required = true, description = "teacher | student (for the untrained row)")
        String config;
        @Option(names = "--val-fraction", defaultValue = "0.2")
        double valFraction;
        @Option(names = "--split-seed", defaultValue = "7")
        long splitSeed;
        @Option(names = "--split-key", defaultValue = "variant", description = "variant | sequence (the v1 detectors' split)")
        String splitKey;
        @Option(names = "--leak-free", description = "drop validation backgrounds with a name variant on the training side")
        boolean leakFree;
        @Option(names = "--eval-scenes", defaultValue = "200")
        int evalScenes;
        @Option(names = "--eval-seed", defaultValue = "20261123")
        long evalSeed;
        @Option(names = "--seed", defaultValue = "1", description = "init seed of the training run (untrained row)")
        long seed;

        @Override
        public Integer call() throws Exception {
            var d = io.visionstreams.schema.ModelDescriptor.read(model.resolve("model.json"));
            d.verifyOnnx(model.resolve("model.json"));
            io.visionstreams.models.detection.WrnDetector.Config cfg = switch (config) {
                case "teacher" -> io.visionstreams.models.detection.WrnDetector.Config.teacher();
                case "student" -> io.visionstreams.models.detection.WrnDetector.Config.student();
                default -> throw new CommandLine.ParameterException(new CommandLine(this), "--config teacher|student");
            };
            ImageFolder.Split split = ImageFolder.of(images).split(valFraction, splitSeed,
                    ImageFolder.SplitKey.parse(splitKey));
            ImageFolder val = split.validation();
            if (leakFree) {
                java.util.List<String> leaked = ImageFolder.leakedNames(val.names(), split.train().names());
                System.out.printf("validation backgrounds %s; with a variant among the %d training backgrounds: %s%n",
                        val.names(), split.train().size(), leaked);
                val = val.withoutVariantsOf(split.train().names());
            }
            var layout = io.visionstreams.models.data.DetectionSceneGenerator.Options.separate(160)
                    .withSize(io.visionstreams.models.detection.WrnDetector.INPUT_SIZE,
                            io.visionstreams.models.detection.WrnDetector.INPUT_SIZE);
            var gen = new io.visionstreams.models.data.DetectionSceneGenerator(val, evalSeed, layout);
            var held = io.visionstreams.models.detection.DetectionTrainer.heldOut(gen, evalScenes, evalSeed);
            var trained = io.visionstreams.models.detection.DetectionTrainer.evaluate(
                    Files.readAllBytes(model.resolve(d.onnx())), held);
            var untrained = io.visionstreams.models.detection.DetectionTrainer.evaluate(
                    io.visionstreams.models.detection.DetectionTrainer.export(
                            io.visionstreams.models.detection.DetectionTrainer.newNet(cfg, seed), "untrained"), held);
            System.out.printf(Locale.ROOT, "%d scenes on %d backgrounds %s%n", held.size(), gen.backgroundCount(),
                    val.names());
            System.out.printf(Locale.ROOT, "%s (ORT): mAP %.4f AP50 %.4f AP75 %.4f%n", d.name(), trained.map(),
                    trained.ap50(), trained.ap75());
            System.out.printf(Locale.ROOT, "untrained %s (seed %d, ORT): mAP %.4f AP50 %.4f AP75 %.4f%n", config, seed,
                    untrained.map(), untrained.ap50(), untrained.ap75());
            return 0;
        }
    }

    @Command(name = "fp16", mixinStandardHelpOptions = true, description = "Write the FP16 variant of an FP32 model "
            + "(FP16 weights and maths, FP32 inputs and outputs; for TensorRT 11, which takes precision from the ONNX), "
            + "run the ONNX checker on it and compare it with the FP32 model in ONNX Runtime where the CPU has the kernels")
    static final class ExportFp16 implements Callable<Integer> {
        @Option(names = "--in", required = true, description = "FP32 model.onnx")
        Path in;
        @Option(names = "--out", description = "default: model.fp16.onnx beside --in")
        Path out;
        @Option(names = "--spatial", defaultValue = "96", description = "size of symbolic H/W dims in the comparison")
        int spatial;

        @Override
        public Integer call() throws Exception {
            Path target = out != null ? out : in.resolveSibling(in.getFileName().toString().replaceFirst("\\.onnx$", "")
                    + ".fp16.onnx");
            writeFp16(Files.readAllBytes(in), target, spatial);
            return 0;
        }
    }

    /** Converts, writes with the checker, and reports the ORT comparison (or why ORT CPU cannot run it). */
    static Fp16Variant.Result writeFp16(byte[] fp32, Path target, int spatial) throws Exception {
        Fp16Variant.Result r = Fp16Variant.convert(fp32);
        byte[] fp16 = r.model().toByteArray();
        OnnxChecker.writeChecked(target, fp16);
        System.err.printf(Locale.ROOT, "wrote %s (%,d bytes, from %,d; ONNX checker passes): %s%n", target, fp16.length,
                fp32.length, r.summary());
        try {
            OrtComparison.Result c = OrtComparison.compare(fp32, fp16, spatial, 1);
            System.err.printf(Locale.ROOT, "ORT CPU, FP16 vs FP32 on random inputs: max rel %.3g (%s)%n", c.maxRelDiff(),
                    c.describe());
        } catch (ai.onnxruntime.OrtException e) {
            System.err.println("ORT CPU cannot run the FP16 variant (no comparison): " + e.getMessage());
        }
        return r;
    }

    @Command(name = "patch", mixinStandardHelpOptions = true, description = "Export a patch checkpoint to a zoo entry")
    static final class ExportPatch implements Callable<Integer> {
        @Option(names = "--checkpoint", required = true)
        Path checkpoint;
        @Option(names = "--arch", required = true)
        String arch;
        @Option(names = "--width-div", defaultValue = "1")
        int widthDiv;
        @Option(names = "--symmetric")
        boolean symmetric;
        @Option(names = "--name")
        String name;
        @Option(names = "--version", defaultValue = "1")
        String version;
        @Option(names = "--out", required = true)
        Path out;
        @Option(names = "--fp16", description = "also write model.fp16.onnx (FP16 inside, FP32 I/O; see export fp16)")
        boolean fp16;

        @Override
        public Integer call() throws Exception {
            PatchNet net = PatchNets.create(arch, widthDiv);
            Checkpoints.load(net, checkpoint);
            String n = name != null ? name : "patch-" + arch;
            String card = "# Model card: " + n + "\n\nExported from checkpoint `" + checkpoint.getFileName()
                    + "` (" + arch + "); see the training run's card for held-out numbers.\n\n| | |\n|---|---|\n"
                    + "@@EXPORT@@";
            PatchZoo.Written w = PatchZoo.write(out, n, version, arch, net, symmetric, true, card);
            System.err.printf(Locale.ROOT, "wrote %s (parity rel %.2g)%n", out, w.parity().maxRelDiff());
            if (fp16) {
                writeFp16(Files.readAllBytes(out.resolve(w.descriptor().onnx())), out.resolve("model.fp16.onnx"), 64);
            }
            return 0;
        }
    }
}
