package io.visionstreams.lifecycle;

import io.visionstreams.inference.DynamicBatcher;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.models.LoadedModel;

/**
 * One model version loaded for a topology (a detector, a stylizer): what a {@link ModelSlot} holds and
 * what the release installer validates and warms up before swapping it in.
 */
public interface ModelDeployment extends AutoCloseable {

    LoadedModel model();

    InferenceSession session();

    DynamicBatcher batcher();

    /** Idempotent. */
    @Override
    void close();
}
