package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.models.detection.CamExplanation;
import io.visionstreams.models.detection.DetectionResult;
import io.visionstreams.models.detection.DetectorSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One image → detections, without Kafka, through the same Detector the topology uses. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Detect objects in one image file (no Kafka; same code path as the detection topology).")
public final class DetectCommand implements Callable<Integer> {

    @Option(names = "--image", required = true, description = "JPEG or PNG file.")
    Path image;

    @Option(names = "--json", description = "Print JSON: {model:{name,version}, detections:[{label,score,box:[x1,y1,x2,y2],camBox?}]}.")
    boolean json;

    @Option(names = "--save-cams", paramLabel = "DIR",
            description = "With --explain: write each detected class's CAM heatmap to DIR/<image>-<label>.png.")
    Path saveCams;

    @Mixin
    ServingOptions serving;

    @Override
    public Integer call() throws Exception {
        if (saveCams != null && !serving.explain) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--save-cams needs --explain");
        }
        Image img = ImageCodec.read(image);
        try (DetectorDeployment d = DetectorDeployment.open(serving.settings())) {
            DetectionResult r = d.detector().detect(img, serving.explain);
            DetectorSpec spec = d.detector().translator().spec();
            if (saveCams != null) {
                saveCams(r, spec);
            }
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(toJson(r, spec)));
            } else {
                System.out.printf("%s: %dx%d, %d detection(s) by %s:%s on %s (pre %.1f ms, infer %.1f ms, post %.1f ms)%n",
                        image, r.imageWidth(), r.imageHeight(), r.boxes().size(), r.modelName(), r.modelVersion(),
                        r.runtimeName(), r.preMicros() / 1e3, r.inferMicros() / 1e3, r.postMicros() / 1e3);
                for (ScoredBox b : r.boxes()) {
                    System.out.printf("  %-12s %.3f  [%.1f, %.1f, %.1f, %.1f]%n", spec.label(b.classId()), b.score(),
                            b.x1(), b.y1(), b.x2(), b.y2());
                }
                for (CamExplanation e : r.explanations().values()) {
                    float[] cb = e.box();
                    System.out.printf("  CAM %-8s %d-byte PNG, weakly supervised box %s%n", spec.label(e.classId()),
                            e.png().length, cb == null ? "none (no positive activation)"
                                    : String.format("[%.1f, %.1f, %.1f, %.1f]", cb[0], cb[1], cb[2], cb[3]));
                }
            }
        }
        return 0;
    }

    private void saveCams(DetectionResult r, DetectorSpec spec) throws java.io.IOException {
        Files.createDirectories(saveCams);
        String stem = image.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        for (CamExplanation e : r.explanations().values()) {
            Path f = saveCams.resolve(stem + "-" + spec.label(e.classId()).replaceAll("[^A-Za-z0-9_.-]", "_") + ".png");
            Files.write(f, e.png());
            if (!json) {
                System.out.println("wrote " + f);
            }
        }
    }

    static Map<String, Object> toJson(DetectionResult r, DetectorSpec spec) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", r.modelName());
        model.put("version", r.modelVersion());
        List<Map<String, Object>> dets = new ArrayList<>();
        for (ScoredBox b : r.boxes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", spec.label(b.classId()));
            m.put("score", b.score());
            m.put("box", new float[] {b.x1(), b.y1(), b.x2(), b.y2()});
            CamExplanation e = r.explanations().get(b.classId());
            if (e != null && e.box() != null) {
                m.put("camBox", e.box());
            }
            dets.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model);
        out.put("detections", dets);
        return out;
    }
}
