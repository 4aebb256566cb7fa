package io.visionstreams.inference;

import java.util.Map;

/**
 * One sample's outputs from a batched run, with the batch it ran in.
 *
 * @param outputs     per-sample outputs (batch dimension removed)
 * @param batchSize   how many samples shared the run
 * @param queueMicros time from submission until its batch started
 * @param inferMicros wall time of the whole batch
 * @param modelName   the model version that produced it (a session can be swapped between batches)
 */
public record BatchedResult(Map<String, Tensor> outputs, int batchSize, long queueMicros, long inferMicros,
                            String modelName, String modelVersion, String runtimeName) {

    public Tensor output(String name) {
        Tensor t = outputs.get(name);
        if (t == null) {
            throw new IllegalArgumentException("model " + modelName + ":" + modelVersion + " has no output '" + name
                    + "' (outputs: " + outputs.keySet() + ")");
        }
        return t;
    }
}
