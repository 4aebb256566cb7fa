package io.visionstreams.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** --precision: parsing, which ONNX a model hands a runtime, and where FP16 applies at all. */
class PrecisionTest {

    static final byte[] FP32 = {1, 2, 3};
    static final byte[] FP16 = {4, 5};

    @Test
    void parsesTheOptionValues() {
        assertEquals(Precision.FP16, Precision.parse(" FP16 "));
        assertEquals(Precision.FP32, Precision.parse("fp32"));
        assertEquals(Precision.FP32, Precision.parse(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("int8"));
        assertTrue(e.getMessage().contains("fp32 or fp16"), e.getMessage());
    }

    @Test
    void aModelHandsOutTheVariantAskedForAndRefusesFp16WithoutOne() throws Exception {
        ModelSource both = new ModelSource("m", "1", FP32, FP16);
        assertSame(FP32, both.onnxFor(Precision.FP32));
        assertSame(FP16, both.onnxFor(Precision.FP16));
        ModelSource fp32Only = new ModelSource("m", "2", FP32);
        assertNull(fp32Only.onnxFp16());
        InferenceException e = assertThrows(InferenceException.class, () -> fp32Only.onnxFor(Precision.FP16));
        assertTrue(e.getMessage().contains("m:2 has no FP16 ONNX") && e.getMessage().contains("--precision fp32"),
                e.getMessage());
        assertArrayEquals(FP32, fp32Only.onnxFor(Precision.FP32));
    }

    @Test
    void fp16OnlyWhereTheRuntimeIsTensorRt() {
        assertEquals(Precision.FP16, InferenceRuntimes.effectivePrecision("tensorrt", Precision.FP16, false));
        assertEquals(Precision.FP16, InferenceRuntimes.effectivePrecision("auto", Precision.FP16, true));
        assertEquals(Precision.FP32, InferenceRuntimes.effectivePrecision("auto", Precision.FP16, false),
                "auto falls back to ONNX Runtime, which serves FP32");
        assertEquals(Precision.FP32, InferenceRuntimes.effectivePrecision("cpu", Precision.FP16, true));
        assertEquals(Precision.FP32, InferenceRuntimes.effectivePrecision("tensorrt", Precision.FP32, true));
    }
}
