package io.visionstreams.inference.tensorrt;

import org.bytedeco.cuda.global.cudart;

import io.visionstreams.inference.InferenceException;

/** CUDA return codes to exceptions with cudaGetErrorString's text. */
final class CudaCheck {

    private CudaCheck() {
    }

    static void check(int rc, String what) throws InferenceException {
        if (rc != cudart.cudaSuccess) {
            throw new InferenceException(what + " failed: CUDA error " + rc + " ("
                    + cudart.cudaGetErrorString(rc).getString() + ")");
        }
    }

    /** For cleanup paths: report, never throw. */
    static void warn(int rc, String what) {
        if (rc != cudart.cudaSuccess) {
            org.slf4j.LoggerFactory.getLogger(CudaCheck.class).warn("{} failed: CUDA error {} ({})", what, rc,
                    cudart.cudaGetErrorString(rc).getString());
        }
    }
}
