package io.visionstreams.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Half conversion against known IEEE 754 binary16 bit patterns, rounding ties and edge cases. */
class Float16Test {

    static void bits(int expected, float f) {
        assertEquals(String.format("0x%04x", expected), String.format("0x%04x", Float16.fromFloat(f) & 0xffff),
                "fromFloat(" + f + ")");
    }

    @Test
    void knownBitPatterns() {
        bits(0x0000, 0f);
        bits(0x8000, -0f);
        bits(0x3c00, 1f);
        bits(0xc000, -2f);
        bits(0x3555, 1f / 3);
        bits(0x2e66, 0.1f);
        bits(0x4248, 3.140625f);
        bits(0x7bff, 65504f);
        bits(0x0400, 0x1p-14f);            // smallest normal
        bits(0x03ff, 0x1.ff8p-15f);        // largest subnormal
        bits(0x0001, 0x1p-24f);            // smallest subnormal
        bits(0x7c00, Float.POSITIVE_INFINITY);
        bits(0xfc00, Float.NEGATIVE_INFINITY);
    }

    @Test
    void roundsToNearestTiesToEven() {
        bits(0x3c00, 1f + 0x1p-11f);       // halfway between 0x3c00 and 0x3c01: even is 0x3c00
        bits(0x3c02, 1f + 3 * 0x1p-11f);   // halfway between 0x3c01 and 0x3c02: even is 0x3c02
        bits(0x3c01, 1f + 0x1p-11f + 0x1p-20f); // just above halfway
        bits(0x7bff, 65519f);              // below the 65520 midpoint
        bits(0x7c00, 65520f);              // midpoint to 65536 rounds to even, which overflows
        bits(0x7c00, 1e6f);
        bits(0x0000, 0x1p-25f);            // halfway between 0 and the smallest subnormal: even is 0
        bits(0x0001, 0x1.8p-25f);          // above halfway
        bits(0x0002, 0x1.8p-24f);          // 1.5 subnormal steps: tie, even is 2
        bits(0x0000, 1e-10f);
        bits(0x8000, -1e-10f);
        bits(0x0400, 0x1.ffcp-15f);        // rounds up out of the subnormals into the smallest normal
        bits(0x0000, Float.MIN_VALUE);     // float subnormal
    }

    @Test
    void nanStaysNan() {
        int h = Float16.fromFloat(Float.NaN) & 0xffff;
        assertEquals(0x7c00, h & 0x7c00);
        assertTrue((h & 0x03ff) != 0);
        assertTrue(Float.isNaN(Float16.toFloat((short) 0x7e00)));
        // a signalling NaN whose payload sits in the low bits only must not become infinity
        int low = Float16.fromFloat(Float.intBitsToFloat(0x7f800001)) & 0xffff;
        assertTrue((low & 0x03ff) != 0);
    }

    @Test
    void everyHalfRoundTrips() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Float16.toFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(h, Float16.fromFloat(f) & 0xffff, "half 0x" + Integer.toHexString(h) + " = " + f);
        }
        assertEquals(65504f, Float16.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001));
        assertEquals(-0f, Float16.toFloat((short) 0x8000));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat((short) 0xfc00));
    }

    @Test
    void roundingErrorIsWithinHalfAnUlp() {
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
            float back = Float16.round(f);
            if (Math.abs(f) >= 0x1p-14f && Math.abs(f) <= 65504f) {
                assertTrue(Math.abs(back - f) <= Math.abs(f) * 0x1p-11f, f + " -> " + back);
            }
        }
    }
}
