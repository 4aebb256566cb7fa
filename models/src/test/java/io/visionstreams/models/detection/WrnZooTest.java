package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.visionstreams.schema.ModelDescriptor;

/** The shipped WRN detector entries: valid descriptor, matching hash, exact contract in ONNX Runtime, size. */
class WrnZooTest {

    @ParameterizedTest
    @ValueSource(strings = {"zoo/detector-teacher/1", "zoo/detector-student/1"})
    void entryHonoursTheContract(String entry) throws Exception {
        Path dir = Path.of(entry);
        assumeTrue(Files.isDirectory(dir), "no " + entry);
        ModelDescriptor d = ModelDescriptor.read(dir.resolve("model.json"));
        d.verifyOnnx(dir.resolve("model.json"));
        assertEquals(ModelDescriptor.DECODER_V1, d.decoder());
        assertEquals(List.of("circle", "rectangle", "triangle"), d.classes());
        assertTrue(d.trained());
        long bytes = Files.size(dir.resolve("model.onnx"));
        assertTrue(bytes < 5_000_000, "model.onnx is " + bytes + " bytes");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(dir.resolve("model.onnx").toString(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[2 * 3 * 320 * 320]), new long[] {2, 3, 320, 320});
             OrtSession.Result out = s.run(Map.of("images", x))) {
            assertArrayEquals(new long[] {2, 2100, 4}, ((OnnxTensor) out.get("boxes").orElseThrow()).getInfo().getShape());
            assertArrayEquals(new long[] {2, 2100, 3}, ((OnnxTensor) out.get("scores").orElseThrow()).getInfo().getShape());
            assertArrayEquals(new long[] {2, 3, 20, 20}, ((OnnxTensor) out.get("cams").orElseThrow()).getInfo().getShape());
            assertArrayEquals(new long[] {2, 3}, ((OnnxTensor) out.get("class_logits").orElseThrow()).getInfo().getShape());
        }
    }
}
