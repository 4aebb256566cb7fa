package io.visionstreams.inference.tensorrt;

import io.visionstreams.inference.InferenceException;

/**
 * TensorRT refused to deserialize a plan that validated on disk (another driver, a TensorRT patch level the
 * manifest cannot see): the one load failure that a rebuild can fix.
 */
final class PlanRejectedException extends InferenceException {
    private static final long serialVersionUID = 1L;

    PlanRejectedException(String message) {
        super(message);
    }
}
