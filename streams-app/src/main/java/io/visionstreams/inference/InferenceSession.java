package io.visionstreams.inference;

import java.util.Map;

/**
 * One loaded model version on one backend. Created once and shared: {@link #run} must be safe to call
 * from several threads. Inputs and outputs carry the batch as their first dimension.
 */
public interface InferenceSession extends AutoCloseable {

    String modelName();

    String modelVersion();

    /** Backend name reported in results, e.g. {@code onnxruntime-cpu}. */
    String runtimeName();

    Map<String, TensorSpec> inputs();

    Map<String, TensorSpec> outputs();

    Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException;

    @Override
    void close();
}
