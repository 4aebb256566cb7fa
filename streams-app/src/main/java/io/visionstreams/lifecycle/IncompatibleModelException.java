package io.visionstreams.lifecycle;

import io.visionstreams.inference.InferenceException;

/**
 * The model loaded, but it does not fit what the topology serves: its descriptor is for another task,
 * or its graph's inputs/outputs disagree with the descriptor or the served contract. Kept apart from
 * load failures so a release can be rejected with the right reason.
 */
public final class IncompatibleModelException extends InferenceException {
    private static final long serialVersionUID = 1L;

    public IncompatibleModelException(String message) {
        super(message);
    }

    public IncompatibleModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
