package io.visionstreams.models;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;

import io.visionstreams.models.onnx.OnnxChecker;
import io.visionstreams.eval.CocoEval;
import io.visionstreams.models.detection.DetectionLoss;
import io.visionstreams.models.detection.DetectionTrainer;
import io.visionstreams.models.data.DetectionSceneGenerator;
import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.detection.NormalisedScene;
import io.visionstreams.models.detection.StubDetector;
import io.visionstreams.models.detection.WrnDetector;
import io.visionstreams.models.nn.Checkpoints;
import io.visionstreams.models.nn.OnnxParity;
import io.visionstreams.models.train.TrainingCheckpoint;
import io.visionstreams.schema.ModelDescriptor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains the WRN detector on generated scenes and writes a zoo entry (model.onnx, model.json, MODEL_CARD.md).
 * Teacher: {@code --teacher}; student: {@code --student}, optionally {@code --distill-from teacher.pt} for
 * attention transfer, and {@code --compare-without-at} to also train the same student without AT (same seed,
 * same steps, same data order) and put both results on the card.
 */
@Command(name = "detection", mixinStandardHelpOptions = true,
        description = "Train the WRN detector (teacher or AT-distilled student) and write a zoo entry.")
public final class DetectionTrainMain implements Callable<Integer> {

    static final class Role {
        @Option(names = "--teacher", required = true, description = "wide teacher (k=3, neck 64)")
        boolean teacher;
        @Option(names = "--student", required = true, description = "thin student (k=1, neck 32)")
        boolean student;
    }

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Role role;
    @Option(names = "--images", required = true, description = "folder of natural background images")
    Path images;
    @Option(names = "--out", required = true, description = "zoo entry directory to write, e.g. models/zoo/detector-teacher/1")
    Path out;
    @Option(names = "--checkpoint", description = "resumable training checkpoint (weights, Adam state, step, scene "
            + "stream, net config), written every --checkpoint-every steps and at the end; a student's --distill-from "
            + "takes the teacher's")
    Path checkpoint;
    @Option(names = "--checkpoint-every", defaultValue = "0", description = "steps between checkpoints (0 = at the end only)")
    int checkpointEvery;
    @Option(names = "--resume", description = "continue from a --checkpoint file of a run with the same options")
    Path resume;
    @Option(names = "--stop-after", defaultValue = "0", description = "end after this step of the --steps schedule, "
            + "writing --checkpoint and no zoo entry (split a long run over sessions; continue with --resume)")
    int stopAfter;
    @Option(names = "--threads", defaultValue = "2", description = "libtorch threads (1: bit-reproducible)")
    int threads;
    @Option(names = "--split-key", defaultValue = "variant", description = "background split grouping: variant "
            + "(default; name variants such as imageTextN/imageTextR on one side) or sequence (the v1 detectors' split)")
    String splitKey;
    @Option(names = "--distill-from", description = "the teacher's --checkpoint file, for attention transfer (students only)")
    Path distillFrom;
    @Option(names = "--compare-without-at", description = "also train the student without AT and report it")
    boolean compareWithoutAt;
    @Option(names = "--steps", defaultValue = "1000")
    int steps;
    @Option(names = "--batch", defaultValue = "16")
    int batch;
    @Option(names = "--train-size", defaultValue = "160", description = "square training canvas (objects keep pixel size)")
    int trainSize;
    @Option(names = "--lr", defaultValue = "3e-3")
    double lr;
    @Option(names = "--seed", defaultValue = "1")
    long seed;
    @Option(names = "--cls-loss", defaultValue = "INTEGRAL", description = "INTEGRAL (MultiPath, IoU .50-.75) or ASSIGNED")
    DetectionLoss.ClsMode clsMode;
    @Option(names = "--at-beta", defaultValue = "1000")
    double atBeta;
    @Option(names = "--scenes", defaultValue = "separate", description = "DetectionSceneGenerator layout: separate "
            + "(axis-aligned non-overlapping shapes, the data of the shipped v1 models) or occluding (rotated, textured, occluding)")
    String scenes;
    @Option(names = "--val-fraction", defaultValue = "0.2", description = "share of background files held out for evaluation")
    double valFraction;
    @Option(names = "--split-seed", defaultValue = "7", description = "seed of the file-level background split")
    long splitSeed;
    @Option(names = "--eval-scenes", defaultValue = "200")
    int evalScenes;
    @Option(names = "--eval-seed", defaultValue = "20261123")
    long evalSeed;
    @Option(names = "--name", description = "model name in model.json (default detector-teacher / detector-student)")
    String name;
    @Option(names = "--version", defaultValue = "1")
    String version;

    private String[] args;

    public static void main(String[] args) {
        DetectionTrainMain m = new DetectionTrainMain();
        m.args = args;
        System.exit(new CommandLine(m).setExecutionExceptionHandler(TrainerCli::plainError).execute(args));
    }

    record Eval(CocoEval.Result r, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        long tStart = System.nanoTime();
        WrnDetector teacher = null;
        if (distillFrom != null) { // checked first: it fails fast, before the data and the evaluations
            if (role.teacher) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--distill-from is for --student runs");
            }
            teacher = loadTeacher(distillFrom);
        }
        WrnDetector.Config cfg = role.teacher ? WrnDetector.Config.teacher() : WrnDetector.Config.student();
        String modelName = name != null ? name : role.teacher ? "detector-teacher" : "detector-student";
        DetectionSceneGenerator.Options layout = switch (scenes) {
            case "separate" -> DetectionSceneGenerator.Options.separate(trainSize);
            case "occluding" -> DetectionSceneGenerator.Options.defaults().withSize(trainSize, trainSize);
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--scenes must be separate or occluding");
        };
        // file-level split: evaluation scenes are drawn on validation backgrounds only
        ImageFolder.Split split = ImageFolder.of(images).split(valFraction, splitSeed, ImageFolder.SplitKey.parse(splitKey));
        DetectionSceneGenerator train = new DetectionSceneGenerator(split.train(), seed, layout);
        DetectionSceneGenerator val = new DetectionSceneGenerator(split.validation(), evalSeed,
                layout.withSize(WrnDetector.INPUT_SIZE, WrnDetector.INPUT_SIZE));
        int nTrainBg = train.backgroundCount();
        int nValBg = val.backgroundCount();
        System.out.printf("backgrounds: %d train, %d validation%n", nTrainBg, nValBg);
        List<NormalisedScene> held = DetectionTrainer.heldOut(val, evalScenes, evalSeed);

        WrnDetector net = DetectionTrainer.newNet(cfg, seed);
        CocoEval.Result untrained = DetectionTrainer.evaluate(DetectionTrainer.export(net, modelName), held);
        System.out.printf(Locale.ROOT, "untrained: mAP %.4f AP50 %.4f%n", untrained.map(), untrained.ap50());

        CocoEval.Result teacherResult = null;
        if (teacher != null) {
            teacherResult = DetectionTrainer.evaluate(DetectionTrainer.export(teacher, "teacher"), held);
            System.out.printf(Locale.ROOT, "teacher: mAP %.4f AP50 %.4f%n", teacherResult.map(), teacherResult.ap50());
        }
        DetectionTrainer.History h = DetectionTrainer.train(net, train, new DetectionTrainer.Options(steps, batch,
                lr, seed, clsMode, teacher, atBeta, 50).withCheckpointing(new DetectionTrainer.Checkpointing(checkpoint,
                checkpointEvery, resume, role.teacher ? "teacher" : "student", stopAfter)), System.out, threads);
        if (h.stepsDone() < steps) {
            System.out.printf("stopped at step %d of %d: checkpoint %s; no zoo entry written%n", h.stepsDone(), steps,
                    checkpoint);
            return 0;
        }
        byte[] onnx = DetectionTrainer.export(net, modelName);
        CocoEval.Result trained = DetectionTrainer.evaluate(onnx, held);
        OnnxParity.Result parity = OnnxParity.check(net, onnx, 2, 7);
        double[] speed = DetectionTrainer.speed(onnx, 20);
        System.out.printf(Locale.ROOT, "trained: mAP %.4f AP50 %.4f AP75 %.4f; parity max rel %.2e; ORT %.2f ms/img (b1) %.2f ms/img (b8)%n",
                trained.map(), trained.ap50(), trained.ap75(), parity.maxRelDiff(), speed[0], speed[1]);

        CocoEval.Result noAt = null;
        DetectionTrainer.History hNoAt = null;
        if (compareWithoutAt && teacher != null) {
            WrnDetector plain = DetectionTrainer.newNet(cfg, seed);
            hNoAt = DetectionTrainer.train(plain, train, new DetectionTrainer.Options(steps, batch, lr, seed,
                    clsMode, null, 0, 50), System.out, threads);
            noAt = DetectionTrainer.evaluate(DetectionTrainer.export(plain, modelName), held);
            System.out.printf(Locale.ROOT, "student without AT: mAP %.4f AP50 %.4f%n", noAt.map(), noAt.ap50());
        }

        Files.createDirectories(out);
        OnnxChecker.writeChecked(out.resolve("model.onnx"), onnx);
        String sha = ModelDescriptor.sha256Hex(onnx);
        ModelDescriptor d = new ModelDescriptor(modelName, version, ModelDescriptor.TASK_DETECTION, "model.onnx", sha,
                new ModelDescriptor.Input("images", "NCHW", WrnDetector.INPUT_SIZE, WrnDetector.INPUT_SIZE, "RGB",
                        ExportStubDetector.SCALE, ExportStubDetector.IMAGENET_MEAN, ExportStubDetector.IMAGENET_STD, true,
                        ExportStubDetector.PAD_VALUE),
                new ModelDescriptor.Outputs("boxes", "scores", "cams", "class_logits"), StubDetector.DECODER,
                WrnDetector.CAM_STRIDE, WrnDetector.CLASSES, true).validate();
        d.write(out.resolve(ModelDescriptor.FILE_NAME));
        io.visionstreams.models.onnx.OnnxGraphBuilder g = new io.visionstreams.models.onnx.OnnxGraphBuilder("count");
        long macs = net.emitCounting(g);
        String card = card(modelName, cfg, net.parameterCount(), macs, onnx.length, sha, untrained, trained, h,
                teacherResult, noAt, hNoAt, parity, speed, nTrainBg, nValBg,
                (System.nanoTime() - tStart) / 1e9);
        Files.writeString(out.resolve("MODEL_CARD.md"), card, StandardCharsets.UTF_8);
        System.out.println("wrote " + out + " sha256=" + sha);
        return 0;
    }

    /**
     * The teacher for attention transfer: the teacher run's {@code --checkpoint} (a training checkpoint, which records
     * the net's config), or a weights-only archive written by earlier versions with its {@code FILE.config} beside it.
     * Anything else fails with what is needed.
     */
    public static WrnDetector loadTeacher(Path file) throws java.io.IOException {
        String needs = "--distill-from needs the teacher's checkpoint: the file a `DetectionTrainMain --teacher ... "
                + "--checkpoint FILE` run wrote (it records the teacher's WrnDetector.Config)";
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file. " + needs + "; run the teacher command of "
                    + "models/zoo/detector-teacher/1/MODEL_CARD.md first");
        }
        Path sidecar = file.resolveSibling(file.getFileName() + ".config");
        if (TrainingCheckpoint.isTrainingCheckpoint(file)) {
            TrainingCheckpoint c = TrainingCheckpoint.readMeta(file);
            if (!DetectionTrainer.KIND.equals(c.kind())) {
                throw new IllegalArgumentException(file + " is a training checkpoint of '" + c.kind()
                        + "', not of a detector. " + needs);
            }
            if (!"teacher".equals(c.meta().getProperty("role"))) {
                System.err.println("warning: " + file + " was written by a " + c.meta().getProperty("role")
                        + " run, not a --teacher run; distilling from it anyway");
            }
            if (c.step() < Long.parseLong(c.required("totalSteps"))) {
                System.err.printf("warning: %s is an unfinished teacher run (step %d of %s)%n", file, c.step(),
                        c.required("totalSteps"));
            }
            WrnDetector net = new WrnDetector(DetectionTrainer.configOf(c));
            TrainingCheckpoint.loadModel(file, net);
            net.eval();
            return net;
        }
        if (!Files.isRegularFile(sidecar)) {
            throw new IllegalArgumentException(file + " holds weights only and " + sidecar.getFileName()
                    + " (the WrnDetector.Config that older teacher runs wrote beside it) is missing. " + needs);
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(sidecar)) {
            p.load(r);
        }
        WrnDetector net = new WrnDetector(new WrnDetector.Config(Integer.parseInt(p.getProperty("k")),
                Integer.parseInt(p.getProperty("blocks")), Integer.parseInt(p.getProperty("neck")),
                Integer.parseInt(p.getProperty("classes"))));
        Checkpoints.load(net, file);
        net.eval();
        return net;
    }

    private String card(String modelName, WrnDetector.Config cfg, long params, long macs, int bytes, String sha,
                        CocoEval.Result untrained, CocoEval.Result trained, DetectionTrainer.History h,
                        CocoEval.Result teacherR, CocoEval.Result noAt, DetectionTrainer.History hNoAt,
                        OnnxParity.Result parity, double[] speed, int nTrainBg, int nValBg, double totalSeconds) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Model card: ").append(modelName).append(' ').append(version).append("\n\n");
        sb.append(role.teacher ? "Wide teacher" : distillFrom != null ? "Thin student distilled from the teacher by attention transfer"
                : "Thin student").append(" of the single-stage WRN detector (`io.visionstreams.models.detection.WrnDetector`), "
                + "trained on generated scenes. Decoder contract `vision-streams-v1` (models/README.md).\n\n");
        sb.append("| | |\n|---|---|\n");
        sb.append("| Classes | ").append(String.join(", ", WrnDetector.CLASSES)).append(" (sigmoid, no background class) |\n");
        sb.append("| Input | `images` float32 [N,3,320,320] RGB, (pixel/255 − mean)/std with ImageNet mean/std, letterbox pad 114 |\n");
        sb.append("| Outputs | `boxes` [N,2100,4], `scores` [N,2100,3], `cams` [N,3,20,20] (stride 16), `class_logits` [N,3] |\n");
        sb.append("| Architecture | ").append(cfg.describe()).append(" (widths ").append(cfg.width(0)).append('/')
                .append(cfg.width(1)).append('/').append(cfg.width(2)).append(") |\n");
        sb.append("| Parameters | ").append(fmt(params)).append(" (trainable; BN running statistics excluded) |\n");
        sb.append("| Compute | ").append(fmt(macs)).append(" MACs = ").append(fmt(2 * macs))
                .append(" FLOPs per 320×320 image (convolutions; shared head counted per level) |\n");
        sb.append("| ONNX | ").append(fmt(bytes)).append(" bytes, IR 8, opset 17, BatchNormalization in eval form |\n");
        sb.append("| ONNX SHA-256 | `").append(sha).append("` |\n");
        sb.append(String.format(Locale.ROOT, "| Parity libtorch vs ORT | max abs %.2e, max rel %.2e (batch 2, random normal input, %d values) |%n",
                parity.maxAbsDiff(), parity.maxRelDiff(), parity.values()));
        sb.append(String.format(Locale.ROOT, "| ORT CPU latency | %.2f ms/image at batch 1, %.2f ms/image at batch 8 "
                + "(median of 20, 2 intra-op threads, ALL_OPT, on a 2-core machine shared with other jobs) |%n", speed[0], speed[1]));
        sb.append("\n## Architecture\n\nStem conv3x3/2 (16) → BN-ReLU → conv3x3/2 (16); three groups of ").append(cfg.blocks())
                .append(" pre-activation B(3,3) block(s) (BN-ReLU-conv, first block stride 2, 1×1 shortcut on the "
                        + "pre-activated input when shape changes) of widths 16k/32k/64k with k = ").append(cfg.k())
                .append(", reaching strides 8/16/32; FPN (BN-ReLU + 1×1 lateral to ").append(cfg.neck())
                .append(" channels, nearest ×2 top-down + add, conv3x3-BN-ReLU smoothing); one head shared over the levels "
                        + "(conv3x3 + ReLU, 1×1 → ltrb, 1×1 → 3 class logits); boxes decoded in the graph as "
                        + "centre + exp(ltrb)·stride; CAM/GAP head on the stride-16 level (one 1×1 conv used both on the "
                        + "map, giving `cams`, and on its global average, giving `class_logits`, so mean(cams) = class_logits).\n\n");
        sb.append("## Training\n\n");
        sb.append(scenes.equals("occluding") ? "- Data: `DetectionSceneGenerator` scenes, layout OCCLUDING (rotated, occluding, "
                + "textured circles/rectangles/triangles, visible-pixel boxes, ≥50% visibility)."
                : "- Data: `DetectionSceneGenerator` scenes, layout SEPARATE: natural-image backgrounds (random square crop, "
                + "resize, h-flip) with 1–4 non-overlapping filled circles, axis-aligned rectangles and triangles of 16–112 px, "
                + "exact boxes.").append(String.format(Locale.ROOT, " Backgrounds: file-level split of the image folder "
                + "(`ImageFolder.split(%s, seed %d, %s)`): ", valFraction, splitSeed, ImageFolder.SplitKey.parse(splitKey))).append(nTrainBg).append(" training images, ").append(nValBg).append(" validation images.\n");
        sb.append("- ").append(steps).append(" steps, batch ").append(batch).append(", ").append(trainSize).append("×")
                .append(trainSize).append(" training canvases (objects keep their pixel size, so the fully convolutional net "
                + "transfers to 320×320), Adam lr ").append(lr).append(" with 5% warm-up and cosine decay, no weight decay, seed ")
                .append(seed).append(".\n");
        sb.append("- Loss: FCOS-style assignment by box size (≤40 px stride 8, ≤80 px stride 16, else 32; points inside the box "
                + "within 1.5·stride of its centre), GIoU box loss, sigmoid focal classification (α 0.25, γ 2) in mode `")
                .append(clsMode).append("`").append(clsMode == DetectionLoss.ClsMode.INTEGRAL
                        ? " = MultiPath integral loss: mean over u ∈ {.50,…,.75} of the focal loss whose positives are assigned "
                        + "points whose predicted box has IoU ≥ u (one shared classifier; see `DetectionLoss`)" : "")
                .append(", plus image-level BCE on `class_logits` (class presence).\n");
        if (distillFrom != null) {
            sb.append("- Attention transfer from `").append(distillFrom.getFileName()).append("` at the outputs of the three "
                    + "backbone groups: F_sum² maps (channel mean of squares), l2-normalised per sample, "
                    + "L_AT = β·Σ_j mean((Q_S − Q_T)²) with β = ").append(fmt((long) atBeta))
                    .append(" (the authors' code convention = 10³/(map elements × batch) on the squared l2 distance); teacher in eval mode, no gradients.\n");
        }
        sb.append(String.format(Locale.ROOT, "- Detection loss (cls+box+image, mean of first/last 10%% of steps): %.3f → %.3f; "
                + "training time %.0f s (whole command %.0f s) on 2 shared CPU cores%s.%n", h.firstLoss(), h.lastLoss(), h.seconds(), totalSeconds,
                resume != null ? " (this invocation only: it resumed from a checkpoint)" : ""));
        sb.append("\n## Held-out results\n\n").append(evalScenes).append(" scenes at 320×320 on validation backgrounds only "
                + "(seed ").append(evalSeed).append("), run through ONNX Runtime on the exported graph; post-processing: score ≥ " + DetectionTrainer.EVAL_SCORE_THRESHOLD + ", "
                + "top 1000, per-class NMS IoU 0.5, top 100. COCO-style AP (101-point, IoU .50:.05:.95, `CocoEval`).\n\n");
        sb.append("| Model | mAP@[.5:.95] | AP50 | AP75 |\n|---|---|---|---|\n");
        row(sb, "untrained (same init)", untrained);
        if (teacherR != null) {
            row(sb, "teacher (`" + distillFrom.getFileName() + "`)", teacherR);
        }
        row(sb, "**this model**", trained);
        if (noAt != null) {
            row(sb, String.format(Locale.ROOT, "same student without AT (same seed/steps; loss %.3f → %.3f, %.0f s)",
                    hNoAt.firstLoss(), hNoAt.lastLoss(), hNoAt.seconds()), noAt);
        }
        sb.append("\nOne run each (no medians over seeds): small differences are within run-to-run noise.\n");
        sb.append("\n## Reproduce\n\nFrom the repository root (the image folder is an argument; the result depends on its files):\n\n```\n"
                + "./mvnw -q -o -pl models compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt\n"
                + "OMP_WAIT_POLICY=PASSIVE java -cp models/target/classes:$(cat models/target/cp.txt) "
                + "io.visionstreams.models.DetectionTrainMain ").append(args != null ? TrainerCli.reproducible(List.of(args))
                        : "--" + (role.teacher ? "teacher" : "student") + " ... (run through TrainerCli: see its log)")
                .append("\n```\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String label, CocoEval.Result r) {
        sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f |%n", label, r.map(), r.ap50(), r.ap75()));
    }

    private static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
