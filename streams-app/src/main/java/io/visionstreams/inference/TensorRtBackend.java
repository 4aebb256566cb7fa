package io.visionstreams.inference;

/**
 * GPU backend on TensorRT through the JavaCPP presets. Not built yet: engine building, plan caching
 * and execution contexts arrive with the model-lifecycle/TensorRT work. Selecting it explicitly fails
 * with a clear message; {@code --runtime auto} falls back to the CPU backend.
 */
public final class TensorRtBackend {

    private TensorRtBackend() {
    }

    /** Whether TensorRT can be used in this process. Always false until the backend lands. */
    public static boolean isAvailable() {
        return false;
    }

    public static InferenceRuntime create() throws InferenceException {
        throw new InferenceException("the TensorRT runtime is not available yet in this build "
                + "(use --runtime cpu or auto; the TensorRT backend is tracked in the model lifecycle/TensorRT issue)");
    }
}
