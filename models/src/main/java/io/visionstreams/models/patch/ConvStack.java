package io.visionstreams.models.patch;

import static org.bytedeco.pytorch.global.torch.avg_pool2d;
import static org.bytedeco.pytorch.global.torch.max_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.Layers;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * A chain of valid convolutions (ReLU unless marked) and floor-mode pools, registered on an owner
 * module under a prefix. It tracks the feature-map shape, parameters and MACs so the architectures
 * can be checked against models-patch-stereo.md §3.3, and emits exactly the ops its forward runs.
 */
final class ConvStack {

    private sealed interface Op permits Conv, Pool {
    }

    private record Conv(Conv2dImpl c, String name, boolean relu) implements Op {
    }

    private record Pool(boolean max, int k, int s) implements Op {
    }

    private final Module owner;
    private final String prefix;
    private final List<Op> ops = new ArrayList<>();
    private int channels;
    private int size;
    private long params;
    private long macs;

    ConvStack(Module owner, String prefix, int inChannels, int inSize) {
        this.owner = owner;
        this.prefix = prefix;
        this.channels = inChannels;
        this.size = inSize;
    }

    ConvStack conv(int out, int k, int s) {
        return conv(out, k, s, true);
    }

    /** "valid" convolution: out = floor((size − k)/s) + 1. */
    ConvStack conv(int out, int k, int s, boolean relu) {
        String name = prefix + "_c" + ops.size();
        Conv2dImpl c = owner.register_module(name, Layers.conv(channels, out, k, s, 0));
        int outSize = (size - k) / s + 1;
        if (outSize < 1) {
            throw new IllegalArgumentException(name + ": " + size + "px input too small for k=" + k);
        }
        params += (long) out * channels * k * k + out;
        macs += (long) out * outSize * outSize * channels * k * k;
        channels = out;
        size = outSize;
        ops.add(new Conv(c, name, relu));
        return this;
    }

    ConvStack maxPool(int k, int s) {
        ops.add(new Pool(true, k, s));
        size = (size - k) / s + 1;
        return this;
    }

    ConvStack avgPool(int k, int s) {
        ops.add(new Pool(false, k, s));
        size = (size - k) / s + 1;
        return this;
    }

    int channels() {
        return channels;
    }

    int size() {
        return size;
    }

    /** Flattened output length. */
    int features() {
        return channels * size * size;
    }

    long params() {
        return params;
    }

    long macs() {
        return macs;
    }

    Tensor forward(Tensor x) {
        for (Op op : ops) {
            if (op instanceof Conv c) {
                x = c.c().forward(x);
                if (c.relu()) {
                    x = relu(x);
                }
            } else if (op instanceof Pool p) {
                long[] k = {p.k(), p.k()};
                long[] s = {p.s(), p.s()};
                long[] zero = {0, 0};
                x = p.max() ? max_pool2d(x, k, s, zero, new long[] {1, 1}, false)
                        : avg_pool2d(x, k, s, zero, false, true, new LongOptional());
            }
        }
        return x;
    }

    String emit(OnnxGraphBuilder g, String x) {
        for (Op op : ops) {
            if (op instanceof Conv c) {
                x = Export.conv(g, x, c.c(), c.name());
                if (c.relu()) {
                    x = g.relu(x);
                }
            } else if (op instanceof Pool p) {
                x = p.max() ? g.maxPool(x, p.k(), p.s(), 0) : PatchOps.avgPool(g, x, p.k(), p.s());
            }
        }
        return x;
    }
}
