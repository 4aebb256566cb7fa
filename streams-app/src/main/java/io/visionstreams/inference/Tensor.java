package io.visionstreams.inference;

import java.util.Arrays;

/**
 * A dense tensor in host memory: float32 or int32 data, row-major, with its shape. Kept deliberately
 * small so that both the CPU (ONNX Runtime) and GPU (TensorRT) backends can feed it without copies
 * beyond the one into the runtime's own buffers.
 */
public final class Tensor {

    public enum Type { FLOAT32, INT32 }

    private final Type type;
    private final long[] shape;
    private final float[] floats;
    private final int[] ints;

    private Tensor(Type type, long[] shape, float[] floats, int[] ints) {
        long n = elementCount(shape);
        int len = floats != null ? floats.length : ints.length;
        if (n != len) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " elements, got " + len);
        }
        this.type = type;
        this.shape = shape.clone();
        this.floats = floats;
        this.ints = ints;
    }

    public static Tensor ofFloats(long[] shape, float[] data) {
        return new Tensor(Type.FLOAT32, shape, data, null);
    }

    public static Tensor ofInts(long[] shape, int[] data) {
        return new Tensor(Type.INT32, shape, null, data);
    }

    public Type type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long dim(int i) {
        return shape[i];
    }

    public int rank() {
        return shape.length;
    }

    /** The float data (not a copy). */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor is " + type + ", not FLOAT32");
        }
        return floats;
    }

    /** The int data (not a copy). */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException("tensor is " + type + ", not INT32");
        }
        return ints;
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("dynamic dimension in concrete shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
