package io.visionstreams.inference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses a backend for {@code --runtime auto|cpu|tensorrt} and {@code --precision fp32|fp16}. */
public final class InferenceRuntimes {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceRuntimes.class);

    private InferenceRuntimes() {
    }

    public static InferenceRuntime select(String mode, int intraOpThreads) throws InferenceException {
        return select(mode, intraOpThreads, Precision.FP32);
    }

    /**
     * The runtime for {@code mode}; {@code precision} applies to TensorRT only. ONNX Runtime on the CPU always runs
     * the FP32 graph (it lacks FP16 kernels for many operators and would insert casts or fail), so FP16 asked for
     * there falls back to FP32: callers log that once via {@link #effectivePrecision}.
     */
    public static InferenceRuntime select(String mode, int intraOpThreads, Precision precision)
            throws InferenceException {
        String m = normalise(mode);
        switch (m) {
            case "cpu":
                return new OnnxRuntimeBackend(intraOpThreads, 1);
            case "tensorrt":
                return TensorRtBackend.create(precision);
            case "auto":
                if (TensorRtBackend.isAvailable()) { // per model: what TensorRT cannot build opens on the CPU
                    return new AutoRuntime(TensorRtBackend.create(precision), intraOpThreads);
                }
                LOG.info("runtime auto: using ONNX Runtime on the CPU ({})", TensorRtBackend.unavailableReason());
                return new OnnxRuntimeBackend(intraOpThreads, 1);
            default:
                throw new InferenceException("unknown runtime '" + mode + "': use auto, cpu or tensorrt");
        }
    }

    /**
     * The precision an instance asked for {@code requested} on {@code mode} really serves at: FP16 only where
     * the runtime is TensorRT; on ONNX Runtime (cpu, or auto without TensorRT) FP32, with one log line. Decided
     * once at start-up so the release checks (onnx-fp16 required or not) match what the runtime does.
     */
    public static Precision effectivePrecision(String mode, Precision requested) {
        boolean tensorRt = TensorRtBackend.isAvailable();
        Precision p = effectivePrecision(mode, requested, tensorRt);
        if (p != requested) {
            LOG.info("precision fp16 is not used on ONNX Runtime CPU (runtime {}: {}); serving the FP32 ONNX", normalise(mode),
                    "cpu".equals(normalise(mode)) ? "asked for" : TensorRtBackend.unavailableReason());
        }
        return p;
    }

    /** {@link #effectivePrecision(String, Precision)} with TensorRT's availability given (tests). */
    static Precision effectivePrecision(String mode, Precision requested, boolean tensorRtAvailable) {
        if (requested != Precision.FP16) {
            return Precision.FP32;
        }
        String m = normalise(mode);
        boolean onTensorRt = m.equals("tensorrt") || (m.equals("auto") && tensorRtAvailable);
        return onTensorRt ? Precision.FP16 : Precision.FP32;
    }

    private static String normalise(String mode) {
        return mode == null ? "auto" : mode.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
