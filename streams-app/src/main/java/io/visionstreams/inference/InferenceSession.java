package io.visionstreams.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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

    /**
     * Runs and returns only the named outputs (null: all). Backends that can skip fetching unused
     * outputs override this (ONNX Runtime does), so optional outputs such as CAMs cost nothing when
     * nobody asked for them.
     */
    default Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> outputNames) throws InferenceException {
        Map<String, Tensor> all = run(inputs);
        if (outputNames == null) {
            return all;
        }
        Map<String, Tensor> some = new LinkedHashMap<>();
        for (String n : outputNames) {
            Tensor t = all.get(n);
            if (t == null) {
                throw new InferenceException("model " + modelName() + " has no output '" + n + "' (outputs: "
                        + all.keySet() + ")");
            }
            some.put(n, t);
        }
        return some;
    }

    @Override
    void close();
}
