package io.visionstreams.models.nn;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.LinearImpl;

/**
 * Factories for libtorch layers that avoid the presets' traps (platform notes §6.3):
 * {@code LongPointer.put(a, b)} is put(index, value), so kernel/stride/padding are set from arrays.
 */
public final class Layers {

    private Layers() {
    }

    /** k×k convolution, stride s, symmetric zero padding p, with bias. */
    public static Conv2dImpl conv(long in, long out, long k, long s, long p) {
        Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(k, k));
        o.stride().put(new long[] {s, s});
        o.padding().put(new LongPointer(p, p));
        return new Conv2dImpl(o);
    }

    public static LinearImpl linear(long in, long out) {
        return new LinearImpl(in, out);
    }

    public static BatchNorm2dImpl batchNorm(long channels) {
        return new BatchNorm2dImpl(new BatchNormOptions(channels));
    }
}
