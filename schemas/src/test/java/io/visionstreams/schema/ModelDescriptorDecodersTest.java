package io.visionstreams.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The bring-your-own detector fields stay compatible with every descriptor written before them. */
class ModelDescriptorDecodersTest {

    private static final String SHA = "0".repeat(64);

    private static String yolo(String decoder, String layout, String colorOrder, String outputs) {
        return """
                {"name": "yolo", "version": "8", "task": "detection", "onnx": "yolov8n.onnx", "sha256": "%s",
                 "input": {"name": "images", "layout": "%s", "width": 640, "height": 640, "colorOrder": "%s",
                           "scale": 0.00392156862745098, "mean": [0, 0, 0], "std": [1, 1, 1],
                           "letterbox": true, "padValue": 114},
                 "outputs": %s, "decoder": "%s", "classes": ["person", "bicycle"], "trained": true}
                """.formatted(SHA, layout, colorOrder, outputs, decoder);
    }

    @Test
    void everyShippedDescriptorStillParses() throws IOException {
        Path zoo = Path.of("..", "models", "zoo");
        List<Path> files;
        try (Stream<Path> s = Files.walk(zoo)) {
            files = s.filter(p -> p.getFileName().toString().equals(ModelDescriptor.FILE_NAME)).toList();
        }
        assertFalse(files.isEmpty(), "zoo descriptors under " + zoo.toAbsolutePath());
        for (Path f : files) {
            ModelDescriptor d = ModelDescriptor.read(f);
            if (ModelDescriptor.TASK_DETECTION.equals(d.task())) {
                assertEquals(ModelDescriptor.DECODER_V1, d.decoder(), f.toString());
                assertNull(d.outputs().predictions(), "old descriptors have no predictions output");
            }
            // and writing them back leaves no new field behind (readers before this change must still parse them)
            assertFalse(d.toJson().contains("predictions"), f.toString());
        }
    }

    @Test
    void yoloDescriptorsParseWithTheirLayoutAndColourOrder() throws IOException {
        ModelDescriptor v8 = ModelDescriptor.parse(yolo("yolo-v8", "NCHW", "RGB", "{\"predictions\": \"output0\"}"));
        assertEquals("output0", v8.outputs().predictions());
        assertEquals(ModelDescriptor.DECODER_YOLO_V8, v8.decoder());
        ModelDescriptor v5 = ModelDescriptor.parse(yolo("yolo-v5", "NHWC", "BGR", "{\"predictions\": \"out\"}"));
        assertEquals("NHWC", v5.input().layout());
        assertEquals("BGR", v5.input().colorOrder());
        assertEquals(v5, ModelDescriptor.parse(v5.toJson()), "round trip");
    }

    @Test
    void decoderAndOutputsMustAgree() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDescriptor.parse(yolo("yolo-v8", "NCHW", "RGB", "{\"boxes\": \"b\", \"scores\": \"s\"}")));
        assertTrue(e.getMessage().contains("outputs.predictions is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("must be absent for decoder yolo-v8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelDescriptor.parse(
                yolo("vision-streams-v1", "NCHW", "RGB", "{\"boxes\": \"b\", \"scores\": \"s\", \"predictions\": \"p\"}")));
        assertTrue(e.getMessage().contains("only read by the YOLO decoders"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelDescriptor.parse(yolo("yolo-v11", "NCHW", "RGB", "{\"predictions\": \"p\"}")));
        assertTrue(e.getMessage().contains("yolo-v5") && e.getMessage().contains("yolo-v8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelDescriptor.parse(yolo("yolo-v8", "CHWN", "RGB", "{\"predictions\": \"p\"}")));
        assertTrue(e.getMessage().contains("NCHW or NHWC"), e.getMessage());
    }
}
