package io.visionstreams.lifecycle;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.visionstreams.inference.DynamicBatcher;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceRuntimes;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.schema.ModelDescriptor;

/**
 * One model version loaded for serving: runtime → session (created once, shared by every stream thread) →
 * dynamic batcher. The task-specific deployments (detector, stylizer) build on it, so opening, the
 * contract check, clean-up after a failed open and closing in reverse order exist once.
 */
public final class ServedModel implements AutoCloseable {

    /** A check of the descriptor against the loaded graph; throws with the reason when they disagree. */
    @FunctionalInterface
    public interface ContractCheck {
        void check(InferenceSession session) throws InferenceException;
    }

    private final LoadedModel model;
    private final InferenceRuntime runtime;
    private final InferenceSession session;
    private final DynamicBatcher batcher;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServedModel(LoadedModel model, InferenceRuntime runtime, InferenceSession session, DynamicBatcher batcher) {
        this.model = model;
        this.runtime = runtime;
        this.session = session;
        this.batcher = batcher;
    }

    /**
     * Opens {@code model} (not {@code s.model()}: the caller resolved or fetched it) on the settings' runtime (auto,
     * cpu, tensorrt) at their precision (TensorRT only) with their batching; releases everything if any step fails.
     * A failed contract check is an {@link IncompatibleModelException}; any other failure is a load failure.
     */
    public static ServedModel open(LoadedModel model, ServingSettings s, ContractCheck check) throws InferenceException {
        InferenceRuntime runtime = InferenceRuntimes.select(s.runtime(), s.intraOpThreads(), s.precision());
        InferenceSession session = null;
        try {
            session = runtime.open(model.source());
            try {
                check.check(session);
            } catch (InferenceException e) {
                throw e instanceof IncompatibleModelException ie ? ie : new IncompatibleModelException(e.getMessage(), e);
            }
            DynamicBatcher batcher = new DynamicBatcher(session, s.maxBatchSize(), s.maxQueueDelay(), s.batchWorkers(),
                    Math.max(64, 4 * s.maxBatchSize()));
            return new ServedModel(model, runtime, session, batcher);
        } catch (InferenceException | RuntimeException e) {
            if (session != null) {
                session.close();
            }
            runtime.close();
            throw e;
        }
    }

    /**
     * The task's view of {@code model}'s descriptor (e.g. {@code DetectorSpec::from}); a descriptor the task
     * cannot read (another task's, or malformed) is an {@link IncompatibleModelException}.
     */
    public static <T> T specOf(LoadedModel model, Function<ModelDescriptor, T> parse) throws IncompatibleModelException {
        try {
            return parse.apply(model.descriptor());
        } catch (IllegalArgumentException e) {
            throw new IncompatibleModelException("model " + model.location() + ": " + e.getMessage(), e);
        }
    }

    /** Builds the task's front end over this model; when that fails this model is closed, so nothing leaks. */
    public <D> D buildOrClose(Function<ServedModel, D> build) {
        try {
            return build.apply(this);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public LoadedModel model() {
        return model;
    }

    public InferenceRuntime runtime() {
        return runtime;
    }

    public InferenceSession session() {
        return session;
    }

    public DynamicBatcher batcher() {
        return batcher;
    }

    /** Idempotent: a second close does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        batcher.close();
        session.close();
        runtime.close();
    }
}
