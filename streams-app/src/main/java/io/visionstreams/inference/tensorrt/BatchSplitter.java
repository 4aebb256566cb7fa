package io.visionstreams.inference.tensorrt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.visionstreams.inference.Tensor;

/**
 * Plain functions for batches larger than the engine's profile maximum: cut the inputs into chunks of at most
 * {@code max} samples and join the chunk outputs back in order.
 */
final class BatchSplitter {

    private BatchSplitter() {
    }

    /** Start offsets (in samples) of the chunks of a batch of {@code n}. */
    static List<int[]> chunks(int n, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max batch must be >= 1");
        }
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < n; start += max) {
            out.add(new int[] {start, Math.min(max, n - start)});
        }
        return out;
    }

    /** Concatenates per-chunk outputs (same names, batch-leading) along the batch axis. */
    static Map<String, Tensor> concat(List<Map<String, Tensor>> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (String name : parts.get(0).keySet()) {
            Tensor first = parts.get(0).get(name);
            long batch = 0;
            int total = 0;
            for (Map<String, Tensor> p : parts) {
                Tensor t = p.get(name);
                batch += t.dim(0);
                total += first.type() == Tensor.Type.FLOAT32 ? t.floats().length : t.ints().length;
            }
            long[] shape = first.shape();
            shape[0] = batch;
            if (first.type() == Tensor.Type.FLOAT32) {
                float[] data = new float[total];
                int at = 0;
                for (Map<String, Tensor> p : parts) {
                    float[] f = p.get(name).floats();
                    System.arraycopy(f, 0, data, at, f.length);
                    at += f.length;
                }
                out.put(name, Tensor.ofFloats(shape, data));
            } else {
                int[] data = new int[total];
                int at = 0;
                for (Map<String, Tensor> p : parts) {
                    int[] f = p.get(name).ints();
                    System.arraycopy(f, 0, data, at, f.length);
                    at += f.length;
                }
                out.put(name, Tensor.ofInts(shape, data));
            }
        }
        return out;
    }

    static String shapeOf(long[] s) {
        return Arrays.toString(s);
    }
}
