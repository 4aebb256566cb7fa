package io.visionstreams.inference;

import java.util.Arrays;

/** Name, element type and shape of a model input or output; -1 marks a dynamic dimension. */
public record TensorSpec(String name, Tensor.Type type, long[] shape) {

    public TensorSpec {
        shape = shape.clone();
    }

    /** The shape of one sample: the shape without the leading batch dimension. */
    public long[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    public long sampleElements() {
        return Tensor.elementCount(sampleShape());
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(shape);
    }
}
