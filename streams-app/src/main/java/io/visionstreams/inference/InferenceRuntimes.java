package io.visionstreams.inference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses a backend for {@code --runtime auto|cpu|tensorrt}. */
public final class InferenceRuntimes {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceRuntimes.class);

    private InferenceRuntimes() {
    }

    public static InferenceRuntime select(String mode, int intraOpThreads) throws InferenceException {
        String m = mode == null ? "auto" : mode.trim().toLowerCase(java.util.Locale.ROOT);
        switch (m) {
            case "cpu":
                return new OnnxRuntimeBackend(intraOpThreads, 1);
            case "tensorrt":
                return TensorRtBackend.create();
            case "auto":
                if (TensorRtBackend.isAvailable()) {
                    return TensorRtBackend.create();
                }
                LOG.info("runtime auto: using ONNX Runtime on the CPU ({})", TensorRtBackend.unavailableReason());
                return new OnnxRuntimeBackend(intraOpThreads, 1);
            default:
                throw new InferenceException("unknown runtime '" + mode + "': use auto, cpu or tensorrt");
        }
    }
}
