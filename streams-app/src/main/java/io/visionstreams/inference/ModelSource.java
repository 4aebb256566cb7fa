package io.visionstreams.inference;

/**
 * The bytes of one model version as a runtime needs them: ONNX for ONNX Runtime (and as the input
 * of a TensorRT engine build), plus the optional FP16 variant a TensorRT runtime asked for FP16 builds from.
 * Name and version travel with it so every result can say which model produced it.
 */
public record ModelSource(String name, String version, byte[] onnx, byte[] onnxFp16) {
    public ModelSource {
        if (onnx == null || onnx.length == 0) {
            throw new IllegalArgumentException("model " + name + ":" + version + " has no ONNX bytes");
        }
        if (onnxFp16 != null && onnxFp16.length == 0) {
            onnxFp16 = null;
        }
    }

    /** A model with no FP16 variant. */
    public ModelSource(String name, String version, byte[] onnx) {
        this(name, version, onnx, null);
    }

    /** The ONNX to run at {@code precision}; FP16 without a variant is an error naming where one comes from. */
    public byte[] onnxFor(Precision precision) throws InferenceException {
        if (precision != Precision.FP16) {
            return onnx;
        }
        if (onnxFp16 == null) {
            throw new InferenceException("model " + name + ":" + version + " has no FP16 ONNX (a release's onnx-fp16 "
                    + "artifact, or model.fp16.onnx beside model.json); serve it with --precision fp32");
        }
        return onnxFp16;
    }
}
