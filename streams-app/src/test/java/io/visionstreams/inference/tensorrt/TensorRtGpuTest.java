package io.visionstreams.inference.tensorrt;

import io.visionstreams.inference.Precision;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.ModelSource;
import io.visionstreams.inference.OnnxRuntimeBackend;
import io.visionstreams.inference.Tensor;

/**
 * Runs only where the probe finds a GPU, the driver, CUDA, cuBLAS/cuDNN and TensorRT with its ONNX parser;
 * skipped cleanly everywhere else (CI). The same checks as {@code GpuCheck}, as assertions.
 */
@Tag("gpu")
class TensorRtGpuTest {

    @TempDir
    static Path cache;

    private static final BuildOptions OPTIONS = new BuildOptions(2, 4, 1L << 30, 3, Duration.ofMinutes(20));

    @BeforeEach
    void onlyWithTensorRt() { // per test, so a CPU run reports each one as skipped with the probe's reason
        TensorRtProbe.Result r = TensorRtProbe.probeForBuild();
        assumeTrue(r.available() && r.buildSupported(), r.describe());
    }

    private static TensorRtRuntime runtime() throws InferenceException {
        return new TensorRtRuntime(cache, OPTIONS, 2, Precision.FP32);
    }

    @Test
    void buildsRunsAndMatchesOnnxRuntimeAtEveryBatchSize() throws Exception {
        ModelSource model = TensorRtFallbackTest.zoo("detector-student");
        try (TensorRtSession trt = runtime().openSession(model);
             OnnxRuntimeBackend ort = new OnnxRuntimeBackend(0, 1);
             InferenceSession ref = ort.open(model)) {
            assertEquals(OPTIONS.maxBatch(), trt.maxBatch());
            assertEquals(ref.inputs().keySet(), trt.inputs().keySet());
            assertEquals(ref.outputs().keySet(), trt.outputs().keySet());
            Random rnd = new Random(5);
            for (int n = 1; n <= trt.maxBatch() + 3; n++) { // above the maximum the session splits
                Map<String, Tensor> in = GpuCheck.randomInputs(trt.inputs(), n, rnd);
                Map<String, Tensor> out = trt.run(in);
                Map<String, Tensor> expected = ref.run(in);
                for (String name : expected.keySet()) {
                    assertArrayEquals(expected.get(name).shape(), out.get(name).shape(), name + " at batch " + n);
                }
                double err = GpuCheck.maxRelativeError(out, expected);
                assertTrue(err <= GpuCheck.FP32_TOLERANCE, "batch " + n + ": max relative error " + err);
            }
        }
    }

    @Test
    void secondOpenUsesTheCachedPlan() throws Exception {
        ModelSource model = TensorRtFallbackTest.zoo("detector-student");
        TensorRtRuntime rt = runtime();
        rt.openSession(model).close();
        PlanKey key = PlanKey.of(rt.gpu(), OnnxFacts.sha256(model.onnx()), OPTIONS, Precision.FP32);
        Path manifest = new PlanCache(cache).entryDir(key).resolve(PlanManifest.FILE_NAME);
        long written = Files.getLastModifiedTime(manifest).toMillis();
        rt.openSession(model).close();
        assertEquals(written, Files.getLastModifiedTime(manifest).toMillis(), "no rebuild");
        assertEquals(rt.gpu().gpuName(), PlanManifest.read(manifest).gpuName());
    }

    @Test
    void closeGivesTheGpuMemoryBack() throws Exception {
        ModelSource model = TensorRtFallbackTest.zoo("detector-student");
        TensorRtRuntime rt = runtime();
        GpuCheck.openRunClose(rt, model); // warm: plan built, CUDA modules loaded
        long before = CudaDiagnostics.usedDeviceBytes();
        int cycles = 6;
        for (int i = 0; i < cycles; i++) {
            GpuCheck.openRunClose(rt, model);
        }
        long growth = CudaDiagnostics.usedDeviceBytes() - before;
        assertTrue(growth / cycles < GpuCheck.LEAK_BYTES_PER_CYCLE,
                "device memory grew " + (growth >> 20) + " MiB over " + cycles + " open/close cycles");
    }

    @Test
    void closedSessionRefusesToRun() throws Exception {
        TensorRtSession s = runtime().openSession(TensorRtFallbackTest.zoo("detector-student"));
        Map<String, Tensor> in = GpuCheck.randomInputs(s.inputs(), 1, new Random(1));
        s.close();
        s.close(); // idempotent
        assertThrows(InferenceException.class, () -> s.run(in));
    }
}
