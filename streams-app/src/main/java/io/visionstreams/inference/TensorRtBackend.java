package io.visionstreams.inference;

import io.visionstreams.inference.tensorrt.TensorRtProbe;
import io.visionstreams.inference.tensorrt.TensorRtRuntime;

/**
 * Entry point of the GPU backend (TensorRT through the JavaCPP presets, package
 * {@code io.visionstreams.inference.tensorrt}). Availability comes from {@link TensorRtProbe}, which runs once
 * and never lets a native loading failure escape; nothing TensorRT-typed is touched unless it succeeded, so the
 * CPU path keeps working on hosts without a GPU, driver or TensorRT libraries.
 */
public final class TensorRtBackend {

    private TensorRtBackend() {
    }

    /** Whether TensorRT can be used in this process (GPU, driver, CUDA, cuBLAS/cuDNN and libnvinfer load). */
    public static boolean isAvailable() {
        return TensorRtProbe.probe().available();
    }

    /** The probe's one-line verdict, e.g. "TensorRT not available: step '...' failed: ...". */
    public static String unavailableReason() {
        return TensorRtProbe.probe().describe();
    }

    public static InferenceRuntime create() throws InferenceException {
        TensorRtProbe.Result probe = TensorRtProbe.probe();
        if (!probe.available()) {
            throw new InferenceException("--runtime tensorrt: " + probe.describe()
                    + " (use --runtime cpu, or auto to fall back to ONNX Runtime; deploy/README.md lists the "
                    + "native libraries a GPU host needs)");
        }
        return TensorRtRuntime.fromSystemProperties();
    }
}
