package io.visionstreams.inference.tensorrt;

import io.visionstreams.inference.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceRuntimes;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.ModelSource;
import io.visionstreams.inference.OnnxRuntimeBackend;
import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorRtBackend;

/**
 * The CPU-host path: the probe fails cleanly (with the step and the reason), is cached, and leaves the JVM able
 * to run ONNX Runtime; auto falls back, tensorrt fails clearly. Skipped on a host where TensorRT really loads
 * (the GPU tests cover that one).
 */
class TensorRtFallbackTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyWithoutTensorRt() {
        assumeFalse(TensorRtProbe.probe().available(), "TensorRT is available here; see TensorRtGpuTest");
    }

    @Test
    void probeSaysWhichStepFailedAndWhy() {
        TensorRtProbe.Result r = TensorRtProbe.probe();
        assertFalse(r.available());
        assertFalse(r.buildSupported());
        assertNotNull(r.failedStep());
        assertNotNull(r.reason());
        assertTrue(r.describe().startsWith("TensorRT not available: step '"), r.describe());
        assertTrue(r.steps().stream().anyMatch(s -> s.startsWith("FAIL")), r.steps().toString());
        assertSame(r, TensorRtProbe.probe(), "probed once, then cached");
        assertSame(r, TensorRtProbe.probeForBuild(), "a failed inference probe is the build answer too");
    }

    @Test
    void onnxRuntimeStillWorksInTheSameJvmAfterTheProbe() throws Exception {
        TensorRtProbe.probe();
        try (InferenceRuntime cpu = InferenceRuntimes.select("auto", 1)) {
            assertInstanceOf(OnnxRuntimeBackend.class, cpu);
            try (InferenceSession s = cpu.open(zoo("detector-student"))) {
                Map<String, Tensor> in = GpuCheck.randomInputs(s.inputs(), 2, new Random(3));
                Map<String, Tensor> out = s.run(in);
                assertFalse(out.isEmpty());
                out.values().forEach(t -> assertEquals(2, t.dim(0), t.toString()));
            }
        }
    }

    @Test
    void explicitTensorRtFailsWithTheProbeReason() {
        InferenceException e = assertThrows(InferenceException.class, () -> InferenceRuntimes.select("tensorrt", 1));
        assertTrue(e.getMessage().contains(TensorRtProbe.probe().reason()), e.getMessage());
        assertTrue(e.getMessage().contains("--runtime cpu"), e.getMessage());
        assertFalse(TensorRtBackend.isAvailable());
    }

    @Test
    void theRuntimeRefusesToConstructWithoutTensorRt() {
        InferenceException e = assertThrows(InferenceException.class,
                () -> new TensorRtRuntime(dir, BuildOptions.fromSystemProperties(), 1, Precision.FP32));
        assertTrue(e.getMessage().contains("TensorRT not available"), e.getMessage());
    }

    static ModelSource zoo(String name) throws Exception {
        try (InputStream in = TensorRtFallbackTest.class.getResourceAsStream(
                "/io/visionstreams/zoo/" + name + "/1/model.onnx")) {
            return new ModelSource(name, "1", in.readAllBytes());
        }
    }
}
