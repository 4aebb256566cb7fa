package io.visionstreams.inference;

/**
 * The bytes of one model version as a runtime needs them: ONNX for ONNX Runtime (and as the input
 * of a TensorRT engine build). Name and version travel with it so every result can say which model
 * produced it.
 */
public record ModelSource(String name, String version, byte[] onnx) {
    public ModelSource {
        if (onnx == null || onnx.length == 0) {
            throw new IllegalArgumentException("model " + name + ":" + version + " has no ONNX bytes");
        }
    }
}
