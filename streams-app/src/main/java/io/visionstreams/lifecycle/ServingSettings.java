package io.visionstreams.lifecycle;

import java.time.Duration;

import io.visionstreams.inference.Precision;

/**
 * How one model is served, whatever its task: which model, which runtime at which precision, the runtime's
 * intra-op threads, dynamic batching and how long a record may wait for its result. The task deployments'
 * settings ({@link DetectorDeployment.Settings}, {@link StylizerDeployment.Settings}) hold one of these next
 * to their task's own options.
 */
public record ServingSettings(String model, String runtime, Precision precision, int intraOpThreads, int maxBatchSize,
                              Duration maxQueueDelay, int batchWorkers, Duration inferenceTimeout) {

    /** Runtime auto, FP32, one intra-op thread per core, a 5 ms batching window and one batch worker. */
    public static ServingSettings defaults(String model, int maxBatchSize, Duration inferenceTimeout) {
        return new ServingSettings(model, "auto", Precision.FP32, 0, maxBatchSize, Duration.ofMillis(5), 1,
                inferenceTimeout);
    }

    public ServingSettings withModel(String m) {
        return new ServingSettings(m, runtime, precision, intraOpThreads, maxBatchSize, maxQueueDelay, batchWorkers,
                inferenceTimeout);
    }

    public ServingSettings withRuntime(String r) {
        return new ServingSettings(model, r, precision, intraOpThreads, maxBatchSize, maxQueueDelay, batchWorkers,
                inferenceTimeout);
    }

    /** The ONNX variant to serve on TensorRT; ONNX Runtime always serves FP32 (see InferenceRuntimes). */
    public ServingSettings withPrecision(Precision p) {
        return new ServingSettings(model, runtime, p, intraOpThreads, maxBatchSize, maxQueueDelay, batchWorkers,
                inferenceTimeout);
    }

    public ServingSettings withIntraOpThreads(int n) {
        return new ServingSettings(model, runtime, precision, n, maxBatchSize, maxQueueDelay, batchWorkers,
                inferenceTimeout);
    }

    public ServingSettings withBatching(int maxBatch, Duration delay) {
        return new ServingSettings(model, runtime, precision, intraOpThreads, maxBatch, delay, batchWorkers,
                inferenceTimeout);
    }

    /**
     * A task's settings record that holds serving settings: it gets the serving {@code withX} methods, so
     * callers tune a detector's or a stylizer's serving the same way without each record repeating them.
     *
     * @param <S> the task's settings record
     */
    public interface Holder<S extends Holder<S>> {

        ServingSettings serving();

        /** A copy with {@code serving} in place of this one's, task options unchanged. */
        S withServing(ServingSettings serving);

        default S withModel(String m) {
            return withServing(serving().withModel(m));
        }

        default S withRuntime(String r) {
            return withServing(serving().withRuntime(r));
        }

        default S withRuntime(String r, int intraOpThreads) {
            return withServing(serving().withRuntime(r).withIntraOpThreads(intraOpThreads));
        }

        default S withPrecision(Precision p) {
            return withServing(serving().withPrecision(p));
        }

        default S withIntraOpThreads(int n) {
            return withServing(serving().withIntraOpThreads(n));
        }

        default S withBatching(int maxBatch, Duration delay) {
            return withServing(serving().withBatching(maxBatch, delay));
        }
    }
}
