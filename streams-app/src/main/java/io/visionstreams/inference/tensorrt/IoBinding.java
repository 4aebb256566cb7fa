package io.visionstreams.inference.tensorrt;

import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorSpec;

/**
 * One engine I/O tensor as the session uses it: name, element type, shape with -1 for the batch axis, and the
 * per-sample element count that sizes buffers and splits batches. Plain Java so sizing is testable without a GPU.
 */
record IoBinding(String name, boolean input, Tensor.Type type, long[] shape) {

    IoBinding {
        shape = shape.clone();
        if (shape.length == 0 || shape[0] != -1) {
            throw new IllegalArgumentException("tensor " + name + " must have a dynamic leading batch axis, has "
                    + java.util.Arrays.toString(shape));
        }
    }

    TensorSpec spec() {
        return new TensorSpec(name, type, shape);
    }

    long sampleElements() {
        return spec().sampleElements();
    }

    /** Bytes of {@code batch} samples (float32 and int32 are both 4 bytes). */
    long bytes(int batch) {
        return Math.multiplyExact(4L * batch, sampleElements());
    }

    /** The shape of a batch of {@code n}. */
    long[] batchShape(int n) {
        long[] s = shape.clone();
        s[0] = n;
        return s;
    }
}
