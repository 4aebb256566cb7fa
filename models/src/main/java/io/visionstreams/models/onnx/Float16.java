package io.visionstreams.models.onnx;

/**
 * IEEE 754 binary16 conversion (Java 17 has no {@code Float.floatToFloat16}). Float to half rounds to
 * nearest, ties to even, produces half subnormals below 2⁻¹⁴, overflows to infinity at 65520 and
 * above, and keeps NaN a (quiet) NaN.
 */
public final class Float16 {

    /** Largest finite half, 65504. */
    public static final float MAX_VALUE = 65504f;

    private Float16() {
    }

    /** The half bit pattern nearest to {@code f} (ties to even). */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            // infinity stays infinity; NaN keeps its top payload bits and is forced quiet
            return (short) (mant == 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13));
        }
        int halfExp = exp - 127 + 15;
        if (halfExp >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExp <= 0) {
            // half subnormal: value = m · 2⁻²⁴; the float's full significand shifted into place
            int shift = 126 - exp;
            if (exp == 0 || shift > 24) {
                return (short) sign; // below half of the smallest subnormal (float subnormals included)
            }
            int sig = mant | 0x800000;
            int m = sig >>> shift;
            int rest = sig & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (m & 1) == 1)) {
                m++; // may carry into the smallest normal, 0x0400, which is the right answer
            }
            return (short) (sign | m);
        }
        int h = sign | (halfExp << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) {
            h++; // a mantissa carry moves into the exponent; from 65504 upwards that is infinity
        }
        return (short) h;
    }

    /** The float value of a half bit pattern (exact: every half is a float). */
    public static float toFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** {@code f} rounded to the nearest half and back: what FP16 storage does to a value. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
