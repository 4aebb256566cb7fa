package io.visionstreams.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.visionstreams.models.ModelZoo;

/**
 * {@code --runtime auto} where TensorRT loads but cannot serve a model (seen on an H100 whose TensorRT came from
 * the Maven Central redist jar: no per-architecture builder resource). The GPU side is a stand-in: no GPU here.
 */
class AutoRuntimeTest {

    /** A GPU runtime that refuses every model the way TensorRtRuntime reports a failed engine build. */
    private static final class RefusingGpu implements InferenceRuntime {
        final List<String> asked = new ArrayList<>();
        boolean closed;

        @Override
        public String name() {
            return "tensorrt";
        }

        @Override
        public InferenceSession open(ModelSource model) throws InferenceException {
            asked.add(model.name());
            throw new InferenceException("TensorRT engine build for " + model.name() + " failed: createInferBuilder "
                    + "returned null\n--- last lines of build.log ---\n...");
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aModelTensorRtCannotBuildOpensOnOnnxRuntimeAndServes() throws Exception {
        RefusingGpu gpu = new RefusingGpu();
        ModelSource model = ModelZoo.loadBundled("detector/0-stub").source();
        try (AutoRuntime auto = new AutoRuntime(gpu, 1); InferenceSession s = auto.open(model)) {
            assertEquals(List.of("detector"), gpu.asked, "TensorRT is tried first");
            assertEquals(OnnxRuntimeBackend.NAME, s.runtimeName());
            Tensor out = s.run(java.util.Map.of("images",
                    Tensor.ofFloats(new long[] {1, 3, 320, 320}, new float[3 * 320 * 320]))).values().iterator().next();
            assertEquals(1, out.shape()[0]);
        }
        assertEquals(true, gpu.closed, "closing auto closes the GPU runtime");
    }

    @Test
    void aModelTensorRtServesStaysOnTensorRt() throws Exception {
        ModelSource model = ModelZoo.loadBundled("detector/0-stub").source();
        try (OnnxRuntimeBackend stand = new OnnxRuntimeBackend(1, 1); InferenceSession gpuSession = stand.open(model)) {
            InferenceRuntime gpu = new InferenceRuntime() {
                @Override
                public String name() {
                    return "tensorrt";
                }

                @Override
                public InferenceSession open(ModelSource m) {
                    return gpuSession;
                }

                @Override
                public void close() {
                }
            };
            AutoRuntime auto = new AutoRuntime(gpu, 1);
            assertSame(gpuSession, auto.open(model));
        }
    }

    @Test
    void theWarningCarriesOnlyTheFirstLineOfTheReason() {
        assertEquals("build failed: x", AutoRuntime.firstLine("build failed: x\n--- log ---\nmore"));
        assertEquals("(no message)", AutoRuntime.firstLine(null));
    }
}
