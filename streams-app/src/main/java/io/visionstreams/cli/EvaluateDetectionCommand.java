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
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.detection.DetectionOptions;
import io.visionstreams.models.detection.DetectorSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * COCO box AP of a detector over a COCO-format dataset, through the same Detector the topology serves
 * (letterbox, decoder, class-wise NMS), scored by the shared {@link CocoEval}.
 */
@Command(name = "detection", mixinStandardHelpOptions = true,
        description = "COCO mAP@[.5:.95], AP50, AP75, AP small/medium/large and per-class AP of a detector.")
public final class EvaluateDetectionCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, description = "COCO instances JSON (images, annotations, categories).")
    Path dataset;

    @Option(names = "--images", required = true, description = "Directory holding the images' file_name entries.")
    Path images;

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

    @Override
    public Integer call() throws Exception {
        CocoDataset data = CocoDataset.read(dataset);
        DetectorDeployment.Settings settings = DetectorDeployment.Settings.defaults().withModel(model)
                .withRuntime(runtime).withBatching(1, Duration.ZERO)
                .withDetection(new DetectionOptions(scoreThreshold, iouThreshold, maxDetections));
        try (DetectorDeployment d = DetectorDeployment.open(settings)) {
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
