package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.visionstreams.eval.CocoDataset;
import io.visionstreams.eval.CocoEval;
import io.visionstreams.eval.GtBox;
import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.detection.DetectionOptions;
import io.visionstreams.models.detection.DetectorSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * COCO box AP of a detector over a COCO-format dataset, through the same Detector the topology serves
 * (letterbox, decoder, class-wise NMS), scored by the shared {@link CocoEval}.
 */
@Command(name = "detection", mixinStandardHelpOptions = true,
        description = "COCO mAP@[.5:.95], AP50, AP75, AP small/medium/large and per-class AP of a detector.")
public final class EvaluateDetectionCommand implements Callable<Integer> {

    @Option(names = "--dataset", description = "COCO instances JSON (images, annotations, categories).")
    Path dataset;

    @Option(names = "--images", description = "Directory holding the images' file_name entries.")
    Path images;

    @Option(names = "--synthetic", paramLabel = "N", defaultValue = "0",
            description = "Instead of a dataset: frames 0..N-1 of the synthetic camera (the ingest's 'synthetic' source, "
                    + "what demo and bench send), with its exact ground truth.")
    int synthetic;

    @Option(names = "--synthetic-seed", defaultValue = "42", description = "Synthetic camera seed (default: ${DEFAULT-VALUE}, the demo's).")
    long syntheticSeed;

    @Option(names = "--width", defaultValue = "640", description = "Synthetic frame width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "480", description = "Synthetic frame height (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--min-visible", defaultValue = "0",
            description = "Synthetic frames: objects with less than this fraction of their pixels visible (shapes may "
                    + "overlap there) are ignore regions, as COCO crowd boxes, not misses (default: ${DEFAULT-VALUE}).")
    double minVisible;

    @Option(names = "--model", defaultValue = ModelZoo.DEFAULT_DETECTOR,
            description = "Bundled name/version, or a directory with model.json (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--runtime", defaultValue = "auto", description = "auto, cpu or tensorrt (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--score-threshold", defaultValue = "0.001",
            description = "Low, as COCO evaluations use: AP needs the whole ranking (default: ${DEFAULT-VALUE}).")
    float scoreThreshold;

    @Option(names = "--iou-threshold", defaultValue = "0.5", description = "Class-wise NMS IoU (default: ${DEFAULT-VALUE}).")
    float iouThreshold;

    @Option(names = "--max-detections", defaultValue = "100", description = "COCO maxDets (default: ${DEFAULT-VALUE}).")
    int maxDetections;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (synthetic > 0) {
            return evaluateSynthetic();
        }
        if (dataset == null || images == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --dataset and --images, or --synthetic N");
        }
        CocoDataset data = CocoDataset.read(dataset);
        try (DetectorDeployment d = DetectorDeployment.open(settings())) {
            DetectorSpec spec = d.detector().translator().spec();
            Map<Long, Integer> classOf = new LinkedHashMap<>();
            List<String> unknown = new ArrayList<>();
            for (CocoDataset.Category c : data.categories()) {
                int idx = spec.classes().indexOf(c.name());
                if (idx >= 0) {
                    classOf.put(c.id(), idx);
                } else {
                    unknown.add(c.name());
                }
            }
            if (classOf.isEmpty()) {
                throw new IllegalArgumentException("no dataset category is a class of the model (model classes "
                        + spec.classes() + ", dataset categories " + unknown + ")");
            }
            List<List<CocoEval.Det>> dets = new ArrayList<>();
            long t0 = System.nanoTime();
            for (CocoDataset.Image im : data.images()) {
                Path f = images.resolve(im.fileName());
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("image " + im.id() + " '" + im.fileName() + "' is not in " + images);
                }
                List<CocoEval.Det> mine = new ArrayList<>();
                for (ScoredBox b : d.detector().detect(ImageCodec.read(f)).boxes()) {
                    mine.add(new CocoEval.Det(b.x1(), b.y1(), b.x2(), b.y2(), b.classId(), b.score()));
                }
                dets.add(mine);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            CocoEval.Result r = CocoEval.evaluateAnnotated(data.groundTruth(classOf), dets, spec.numClasses(), maxDetections);
            print(r, spec, d, data.images().size(), seconds, unknown);
        }
        return 0;
    }

    private DetectorDeployment.Settings settings() {
        return DetectorDeployment.Settings.defaults().withModel(model)
                .withRuntime(runtime).withBatching(1, Duration.ZERO)
                .withDetection(new DetectionOptions(scoreThreshold, iouThreshold, maxDetections));
    }

    /** AP on synthetic-camera frames: the ground truth is exact, and overlapped objects can be set aside. */
    private int evaluateSynthetic() throws Exception {
        SyntheticCamera cam = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(width, height)
                .withSeed(syntheticSeed));
        try (DetectorDeployment d = DetectorDeployment.open(settings())) {
            DetectorSpec spec = d.detector().translator().spec();
            List<List<CocoEval.Gt>> gts = new ArrayList<>();
            List<List<CocoEval.Det>> dets = new ArrayList<>();
            int ignored = 0;
            int objects = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < synthetic; i++) {
                List<SyntheticCamera.GroundTruthBox> truth = cam.groundTruth(i);
                double[] visible = cam.visibleFractions(i);
                List<CocoEval.Gt> mine = new ArrayList<>();
                for (int k = 0; k < truth.size(); k++) {
                    SyntheticCamera.GroundTruthBox b = truth.get(k);
                    int cls = spec.classes().indexOf(b.label());
                    if (cls < 0) {
                        continue;
                    }
                    GtBox box = new GtBox(b.x1(), b.y1(), b.x2(), b.y2(), cls);
                    boolean hidden = visible[k] < minVisible;
                    ignored += hidden ? 1 : 0;
                    objects++;
                    mine.add(new CocoEval.Gt(box, box.area(), hidden));
                }
                gts.add(mine);
                List<CocoEval.Det> found = new ArrayList<>();
                Image img = ImageCodec.decodeRgb(FrameEncoding.JPEG, cam.frame(i).data(), width, height, ImageLimits.defaults());
                for (ScoredBox b : d.detector().detect(img).boxes()) {
                    found.add(new CocoEval.Det(b.x1(), b.y1(), b.x2(), b.y2(), b.classId(), b.score()));
                }
                dets.add(found);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            CocoEval.Result r = CocoEval.evaluateAnnotated(gts, dets, spec.numClasses(), maxDetections);
            if (!json) {
                System.out.printf(Locale.ROOT, "synthetic camera %dx%d seed %d, frames 0..%d: %d objects, %d of them less "
                        + "than %.0f%% visible (ignored)%n", width, height, syntheticSeed, synthetic - 1, objects, ignored,
                        100 * minVisible);
            }
            print(r, spec, d, synthetic, seconds, List.of());
        }
        return 0;
    }

    private void print(CocoEval.Result r, DetectorSpec spec, DetectorDeployment d, int n, double seconds,
                       List<String> unknown) throws Exception {
        String name = d.model().descriptor().name() + ":" + d.model().descriptor().version();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", name);
            out.put("images", n);
            out.put("mAP", r.map());
            out.put("AP50", r.ap50());
            out.put("AP75", r.ap75());
            out.put("APsmall", r.apSmall());
            out.put("APmedium", r.apMedium());
            out.put("APlarge", r.apLarge());
            Map<String, Double> perClass = new LinkedHashMap<>();
            for (int c = 0; c < spec.numClasses(); c++) {
                perClass.put(spec.label(c), r.apPerClass()[c]);
            }
            out.put("perClassAP", perClass);
            out.put("categoriesNotInModel", unknown);
            System.out.println(new ObjectMapper().writeValueAsString(out));
            return;
        }
        System.out.printf(Locale.ROOT, "%s on %d images (%.1f s): mAP@[.5:.95] %.4f  AP50 %.4f  AP75 %.4f  "
                + "AP small %s  medium %s  large %s%n", name, n, seconds, r.map(), r.ap50(), r.ap75(),
                fmt(r.apSmall()), fmt(r.apMedium()), fmt(r.apLarge()));
        for (int c = 0; c < spec.numClasses(); c++) {
            System.out.printf(Locale.ROOT, "  %-16s AP %s%n", spec.label(c), fmt(r.apPerClass()[c]));
        }
        if (!unknown.isEmpty()) {
            System.out.println("  not evaluated (not classes of the model): " + unknown);
        }
    }

    /** −1 means no ground truth: print n/a, not a number that looks like a score. */
    private static String fmt(double ap) {
        return ap < 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", ap);
    }

    /** {@code vision-streams evaluate}: groups the evaluation commands. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true, subcommands = EvaluateDetectionCommand.class,
            description = "Evaluate a served model on a labelled dataset.")
    public static final class Group implements Callable<Integer> {
        @Override
        public Integer call() {
            System.err.println("usage: vision-streams evaluate detection --dataset COCO.json --images DIR [--model M]");
            return 2;
        }
    }
}
