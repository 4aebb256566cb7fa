package io.visionstreams.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;

class OnnxRuntimeBackendTest {

    private static OnnxRuntimeBackend backend;
    private static InferenceSession session;

    @BeforeAll
    static void load() throws Exception {
        LoadedModel model = ModelZoo.loadBundled("detector/0-stub");
        backend = new OnnxRuntimeBackend(1, 1);
        session = backend.open(model.source());
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static Tensor randomImages(int n, long seed) {
        Random rnd = new Random(seed);
        float[] data = new float[n * 3 * 320 * 320];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();
        }
        return Tensor.ofFloats(new long[] {n, 3, 320, 320}, data);
    }

    @Test
    void reportsTheStubsIoContract() {
        assertEquals("detector", session.modelName());
        assertEquals("0-stub", session.modelVersion());
        assertEquals(OnnxRuntimeBackend.NAME, session.runtimeName());
        assertEquals("onnxruntime-cpu", backend.name());

        assertEquals(Set.of("images"), session.inputs().keySet());
        TensorSpec images = session.inputs().get("images");
        assertEquals(Tensor.Type.FLOAT32, images.type());
        assertArrayEquals(new long[] {-1, 3, 320, 320}, images.shape(), "symbolic batch, fixed 3x320x320");

        Map<String, TensorSpec> out = session.outputs();
        assertEquals(Set.of("boxes", "scores", "cams", "class_logits"), out.keySet());
        assertArrayEquals(new long[] {-1, 2100, 4}, out.get("boxes").shape());
        assertArrayEquals(new long[] {-1, 2100, 3}, out.get("scores").shape());
        assertEquals(4, out.get("cams").shape().length);
        assertEquals(3, out.get("cams").shape()[1], "one CAM per class");
        assertArrayEquals(new long[] {-1, 3}, out.get("class_logits").shape());
        out.values().forEach(s -> assertEquals(Tensor.Type.FLOAT32, s.type(), s.toString()));
    }

    @Test
    void batchOfThreeEqualsThreeSingleRuns() throws Exception {
        Tensor batch = randomImages(3, 7);
        Map<String, Tensor> batched = session.run(Map.of("images", batch));
        assertEquals(Set.of("boxes", "scores", "cams", "class_logits"), batched.keySet());
        assertArrayEquals(new long[] {3, 2100, 4}, batched.get("boxes").shape());
        assertArrayEquals(new long[] {3, 2100, 3}, batched.get("scores").shape());

        int per = 3 * 320 * 320;
        for (int i = 0; i < 3; i++) {
            float[] one = Arrays.copyOfRange(batch.floats(), i * per, (i + 1) * per);
            Map<String, Tensor> single = session.run(Map.of("images", Tensor.ofFloats(new long[] {1, 3, 320, 320}, one)));
            for (String name : List.of("boxes", "scores", "cams", "class_logits")) {
                Tensor s = single.get(name);
                assertEquals(1, s.dim(0), name);
                Tensor fromBatch = DynamicBatcher.slice(batched.get(name), i, 3);
                assertArrayEquals(DynamicBatcher.slice(s, 0, 1).shape(), fromBatch.shape(), name);
                assertArrayEquals(s.floats(), fromBatch.floats(), 1e-5f, name + " of sample " + i);
            }
        }
    }

    @Test
    void outputsHonourTheContractRanges() throws Exception {
        Map<String, Tensor> out = session.run(Map.of("images", randomImages(1, 11)));
        float[] scores = out.get("scores").floats();
        for (float s : scores) {
            assertTrue(s >= 0f && s <= 1f, "scores are probabilities, got " + s);
        }
        float[] boxes = out.get("boxes").floats();
        for (int a = 0; a < boxes.length; a += 4) {
            assertTrue(boxes[a + 2] >= boxes[a] && boxes[a + 3] >= boxes[a + 1],
                    "x2>=x1, y2>=y1 at anchor " + a / 4);
        }
    }

    @Test
    void wrongInputNameFailsWithTheModelName() {
        InferenceException e = assertThrows(InferenceException.class,
                () -> session.run(Map.of("pixels", randomImages(1, 1))));
        assertTrue(e.getMessage().contains("detector:0-stub"), e.getMessage());
    }

    @Test
    void corruptOnnxGivesInferenceExceptionNamingTheModel() {
        byte[] junk = "this is not an ONNX protobuf at all".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        InferenceException e = assertThrows(InferenceException.class,
                () -> backend.open(new ModelSource("broken-net", "3", junk)));
        assertTrue(e.getMessage().contains("broken-net:3"), e.getMessage());
    }

    @Test
    void truncatedOnnxGivesInferenceException() throws Exception {
        byte[] onnx = ModelZoo.loadBundled("detector/0-stub").onnx();
        byte[] half = Arrays.copyOf(onnx, onnx.length / 2);
        InferenceException e = assertThrows(InferenceException.class,
                () -> backend.open(new ModelSource("detector", "cut", half)));
        assertTrue(e.getMessage().contains("detector:cut"), e.getMessage());
    }

    @Test
    void tensorrtSelectionFailsClearly() {
        InferenceException e = assertThrows(InferenceException.class, () -> InferenceRuntimes.select("tensorrt", 1));
        assertTrue(e.getMessage().contains("TensorRT"), e.getMessage());
        assertTrue(e.getMessage().contains("cpu"), "should point at the CPU alternative: " + e.getMessage());
    }

    @Test
    void autoAndCpuSelectOnnxRuntime() throws Exception {
        for (String mode : new String[] {"auto", "AUTO", " cpu ", null}) {
            try (InferenceRuntime r = InferenceRuntimes.select(mode, 1)) {
                assertInstanceOf(OnnxRuntimeBackend.class, r, "mode " + mode);
                assertEquals("onnxruntime-cpu", r.name());
            }
        }
    }

    @Test
    void unknownRuntimeNameIsAClearError() {
        InferenceException e = assertThrows(InferenceException.class, () -> InferenceRuntimes.select("cuda", 1));
        assertTrue(e.getMessage().contains("'cuda'"), e.getMessage());
        assertTrue(e.getMessage().contains("auto, cpu or tensorrt"), e.getMessage());
    }
}
