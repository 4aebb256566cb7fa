package io.visionstreams.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorSpec;

class GoldenCheckTest {

    private static final long[] SHAPE = {1, 4};

    private static Map<String, Tensor> actual(float... v) {
        return Map.of("scores", Tensor.ofFloats(SHAPE, v));
    }

    @Test
    void differencesWithinTheRelativeToleranceOfTheRangePass() {
        float[] golden = {0f, 10f, 5f, 2f}; // range 10: 1% allows 0.1
        assertNull(GoldenCheck.mismatch(actual(0.05f, 9.95f, 5.09f, 2f), Map.of("scores", SHAPE),
                Map.of("scores", golden), 0.01));
        String m = GoldenCheck.mismatch(actual(0f, 10f, 5.2f, 2f), Map.of("scores", SHAPE), Map.of("scores", golden), 0.01);
        assertNotNull(m);
        assertTrue(m.contains("scores") && m.contains("index 2"), m);
    }

    @Test
    void nanMissingOutputsAndOtherShapesFail() {
        float[] golden = {0f, 1f, 0.5f, 0.2f};
        assertNotNull(GoldenCheck.mismatch(actual(0f, Float.NaN, 0.5f, 0.2f), Map.of("scores", SHAPE),
                Map.of("scores", golden), 0.01));
        assertNotNull(GoldenCheck.mismatch(actual(golden), Map.of("boxes", SHAPE), Map.of("boxes", golden), 0.01));
        assertNotNull(GoldenCheck.mismatch(actual(golden), Map.of("scores", new long[] {2, 2}),
                Map.of("scores", golden), 0.01));
        assertNotNull(GoldenCheck.mismatch(actual(golden), Map.of(), Map.of(), 0.01), "an empty golden proves nothing");
    }

    @Test
    void aConstantOutputGetsAnAbsoluteFloor() {
        float[] golden = {3f, 3f, 3f, 3f};
        assertNull(GoldenCheck.mismatch(actual(3f, 3f, 3f, 3.000001f), Map.of(), Map.of("scores", golden), 0.01));
        assertNotNull(GoldenCheck.mismatch(actual(3f, 3f, 3f, 3.5f), Map.of(), Map.of("scores", golden), 0.01));
    }

    @Test
    void inputsGetABatchDimensionWhenTheGoldenHasNone() {
        Map<String, TensorSpec> model = Map.of("x", new TensorSpec("x", Tensor.Type.FLOAT32, new long[] {-1, 2, 2}));
        Map<String, Tensor> in = GoldenCheck.inputs(Map.of("x", new long[] {2, 2}), Map.of("x", new float[] {1, 2, 3, 4}),
                model);
        assertArrayEquals(new long[] {1, 2, 2}, in.get("x").shape());
        assertThrows(IllegalArgumentException.class, () -> GoldenCheck.inputs(Map.of(), Map.of(), model));
    }

    @Test
    void tileRepeatsTheSampleIntoABatch() {
        Map<String, Tensor> t = GoldenCheck.tile(Map.of("x", Tensor.ofFloats(new long[] {1, 2}, new float[] {1, 2})), 3);
        assertArrayEquals(new long[] {3, 2}, t.get("x").shape());
        assertArrayEquals(new float[] {1, 2, 1, 2, 1, 2}, t.get("x").floats());
    }
}
