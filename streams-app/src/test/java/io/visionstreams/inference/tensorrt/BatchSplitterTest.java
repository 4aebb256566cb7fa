package io.visionstreams.inference.tensorrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.visionstreams.inference.Tensor;

class BatchSplitterTest {

    @Test
    void splitsAboveTheProfileMaximum() {
        List<int[]> c = BatchSplitter.chunks(10, 4);
        assertEquals(3, c.size());
        assertArrayEquals(new int[] {0, 4}, c.get(0));
        assertArrayEquals(new int[] {4, 4}, c.get(1));
        assertArrayEquals(new int[] {8, 2}, c.get(2));
        assertEquals(1, BatchSplitter.chunks(4, 4).size());
        assertEquals(1, BatchSplitter.chunks(1, 32).size());
        assertThrows(IllegalArgumentException.class, () -> BatchSplitter.chunks(3, 0));
    }

    @Test
    void concatenatesChunkOutputsInOrder() {
        Map<String, Tensor> a = Map.of("s", Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}),
                "k", Tensor.ofInts(new long[] {2}, new int[] {7, 8}));
        Map<String, Tensor> b = Map.of("s", Tensor.ofFloats(new long[] {1, 2}, new float[] {5, 6}),
                "k", Tensor.ofInts(new long[] {1}, new int[] {9}));
        Map<String, Tensor> all = BatchSplitter.concat(List.of(a, b));
        assertArrayEquals(new long[] {3, 2}, all.get("s").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, all.get("s").floats());
        assertArrayEquals(new int[] {7, 8, 9}, all.get("k").ints());
    }

    @Test
    void bindingSizesBuffersPerSample() {
        IoBinding b = new IoBinding("images", true, Tensor.Type.FLOAT32, new long[] {-1, 3, 320, 320});
        assertEquals(3 * 320 * 320, b.sampleElements());
        assertEquals(4L * 8 * 3 * 320 * 320, b.bytes(8));
        assertArrayEquals(new long[] {5, 3, 320, 320}, b.batchShape(5));
        assertEquals("images", b.spec().name());
        assertThrows(IllegalArgumentException.class,
                () -> new IoBinding("x", true, Tensor.Type.FLOAT32, new long[] {4, 3}));
    }
}
