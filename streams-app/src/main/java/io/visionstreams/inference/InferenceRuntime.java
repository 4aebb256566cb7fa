package io.visionstreams.inference;

/**
 * The inference SPI: a backend that turns a model into sessions. ONNX Runtime on the CPU implements
 * it ({@link OnnxRuntimeBackend}); the TensorRT backend implements the same interface.
 */
public interface InferenceRuntime extends AutoCloseable {

    String name();

    InferenceSession open(ModelSource model) throws InferenceException;

    @Override
    void close();
}
