package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.models.detection.DetectionOptions;
import io.visionstreams.models.detection.DetectorSpec;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.imaging.ImageLimits;

/**
 * {@code evaluate detection} end to end on a COCO file whose ground truth is the served detector's own
 * confident detections: a perfect detector by construction, so AP must be 1; relabelling the ground
 * truth must lower it. Categories the model does not know are reported, not scored.
 */
class EvaluateDetectionCommandTest {

    @TempDir
    Path tmp;

    @Test
    void detectorAgainstItsOwnDetectionsScoresOne() throws Exception {
        List<Map<String, Object>> images = new ArrayList<>();
        List<Map<String, Object>> anns = new ArrayList<>();
        List<Map<String, Object>> wrong = new ArrayList<>();
        List<String> classes;
        try (DetectorDeployment d = DetectorDeployment.open(DetectorDeployment.Settings.defaults()
                .withBatching(1, Duration.ofMillis(1)).withDetection(new DetectionOptions(0.3f, 0.5f, 100)))) {
            DetectorSpec spec = d.detector().translator().spec();
            classes = spec.classes();
            for (int i = 0; i < 3; i++) {
                byte[] jpeg = new SyntheticCamera(320 + 64 * i, 240, 5L + i).frame(i).data();
                Path f = tmp.resolve("img" + i + ".jpg");
                Files.write(f, jpeg);
                Image img = ImageCodec.decodeRgb(FrameEncoding.JPEG, jpeg, 0, 0, ImageLimits.defaults());
                images.add(Map.of("id", 100 + i, "file_name", f.getFileName().toString(), "width", img.width(),
                        "height", img.height()));
                for (ScoredBox b : d.detector().detect(img).boxes()) {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("id", anns.size() + 1);
                    a.put("image_id", 100 + i);
                    a.put("category_id", 10 + b.classId());
                    a.put("bbox", List.of(b.x1(), b.y1(), b.x2() - b.x1(), b.y2() - b.y1()));
                    a.put("iscrowd", 0);
                    anns.add(a);
                    Map<String, Object> w = new LinkedHashMap<>(a);
                    w.put("category_id", 10 + (b.classId() + 1) % classes.size());
                    wrong.add(w);
                }
            }
        }
        assertFalse(anns.isEmpty(), "the synthetic frames must give some confident detections");
        List<Map<String, Object>> cats = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            cats.add(Map.of("id", 10 + c, "name", classes.get(c)));
        }
        cats.add(Map.of("id", 99, "name", "zebra"));
        ObjectMapper json = new ObjectMapper();
        Path coco = tmp.resolve("coco.json");
        json.writeValue(coco.toFile(), Map.of("images", images, "annotations", anns, "categories", cats));
        JsonNode r = json.readTree(StereoCommandTest.run("evaluate", "detection", "--dataset", coco.toString(),
                "--images", tmp.toString(), "--json"));
        assertEquals(1.0, r.get("mAP").asDouble(), 1e-9, r.toString());
        assertEquals(1.0, r.get("AP50").asDouble(), 1e-9);
        assertEquals(3, r.get("images").asInt());
        assertEquals("zebra", r.get("categoriesNotInModel").get(0).asText());

        Path relabelled = tmp.resolve("wrong.json");
        json.writeValue(relabelled.toFile(), Map.of("images", images, "annotations", wrong, "categories", cats));
        JsonNode w = json.readTree(StereoCommandTest.run("evaluate", "detection", "--dataset", relabelled.toString(),
                "--images", tmp.toString(), "--json"));
        assertTrue(w.get("mAP").asDouble() < 0.9, "wrong labels must cost AP: " + w);
    }
}
