package io.visionstreams.lifecycle;

import io.visionstreams.inference.DynamicBatcher;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.models.LoadedModel;

/**
 * A {@link ModelDeployment} over one {@link ServedModel}: the task deployments (detector, stylizer) add only
 * their task's front end, so the model, session, batcher and closing are answered here once.
 */
abstract class ServedDeployment implements ModelDeployment {

    private final ServedModel served;

    ServedDeployment(ServedModel served) {
        this.served = served;
    }

    @Override
    public final LoadedModel model() {
        return served.model();
    }

    @Override
    public final InferenceSession session() {
        return served.session();
    }

    @Override
    public final DynamicBatcher batcher() {
        return served.batcher();
    }

    /** Idempotent: a second close does nothing. */
    @Override
    public final void close() {
        served.close();
    }
}
