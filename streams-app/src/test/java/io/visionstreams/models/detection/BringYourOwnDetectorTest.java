package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.visionstreams.cli.VisionStreamsCli;
import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.lifecycle.DetectorDeployment;

/**
 * A YOLO-layout ONNX model written in the test, served from a directory like any bring-your-own
 * detector: through ONNX Runtime, the load-time contract check, the v8 decoder and the letterbox.
 */
class BringYourOwnDetectorTest {

    @TempDir
    Path tmp;

    private static DetectorDeployment.Settings settings(Path dir) {
        return DetectorDeployment.Settings.defaults().withModel(dir.toString()).withBatching(1, Duration.ofMillis(1));
    }

    /** 128x64 into 64x64: scale 0.5, resized 64x32, padY 16. */
    private static Image frame() {
        return new Image(128, 64, 3, new byte[128 * 64 * 3]);
    }

    @Test
    void servesATinyYoloModelWithBoxesMappedBackToTheFrame() throws Exception {
        Path dir = TinyYoloModel.write(tmp.resolve("tiny"), TinyYoloModel.CLASSES, "NCHW");
        try (DetectorDeployment d = DetectorDeployment.open(settings(dir))) {
            List<ScoredBox> boxes = d.detector().detect(frame()).boxes();
            assertEquals(2, boxes.size(), boxes.toString());
            // cat: net (8,12)-(24,20) → src ((8)/0.5, (12-16)/0.5 → 0, 48, (20-16)/0.5) = (16,0)-(48,8)
            assertEquals(0, boxes.get(0).classId());
            assertEquals(0.9f, boxes.get(0).score(), 1e-6);
            assertArrayEquals(new float[] {16, 0, 48, 8}, xyxy(boxes.get(0)), 1e-3f);
            // dog: net (38,30)-(58,50) → src (76,28)-(116,68) clipped to the 64-pixel height
            assertEquals(1, boxes.get(1).classId());
            assertArrayEquals(new float[] {76, 28, 116, 64}, xyxy(boxes.get(1)), 1e-3f);
            assertEquals("dog", d.detector().translator().spec().label(1));
        }
    }

    @Test
    void detectCliServesTheDirectory() throws Exception {
        Path dir = TinyYoloModel.write(tmp.resolve("tiny"), TinyYoloModel.CLASSES, "NCHW");
        Path img = tmp.resolve("f.png");
        ImageCodec.write(frame(), img);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            code = VisionStreamsCli.commandLine().execute("detect", "--image", img.toString(), "--model", dir.toString(),
                    "--json");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        JsonNode j = new ObjectMapper().readTree(out);
        assertEquals("tiny-yolo", j.get("model").get("name").asText());
        assertEquals("cat", j.get("detections").get(0).get("label").asText());
        assertEquals("dog", j.get("detections").get(1).get("label").asText());
    }

    @Test
    void descriptorThatDisagreesWithTheGraphFailsAtLoadTime() throws Exception {
        Path three = TinyYoloModel.write(tmp.resolve("three"), List.of("cat", "dog", "bird"), "NCHW");
        InferenceException e = assertThrows(InferenceException.class, () -> DetectorDeployment.open(settings(three)));
        assertTrue(e.getMessage().contains("[N,A,7] or [N,7,A]") && e.getMessage().contains("bird"), e.getMessage());

        Path nhwc = TinyYoloModel.write(tmp.resolve("nhwc"), TinyYoloModel.CLASSES, "NHWC");
        e = assertThrows(InferenceException.class, () -> DetectorDeployment.open(settings(nhwc)));
        assertTrue(e.getMessage().contains("NHWC") && e.getMessage().contains("check input.layout"), e.getMessage());

        Path plain = TinyYoloModel.write(tmp.resolve("plain"), TinyYoloModel.CLASSES, "NCHW");
        e = assertThrows(InferenceException.class, () -> DetectorDeployment.open(settings(plain)
                .withDetection(DetectionOptions.defaults().withExplain(true))));
        assertTrue(e.getMessage().contains("no CAM output"), e.getMessage());
    }

    private static float[] xyxy(ScoredBox b) {
        return new float[] {b.x1(), b.y1(), b.x2(), b.y2()};
    }
}
