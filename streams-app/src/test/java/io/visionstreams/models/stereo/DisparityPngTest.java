package io.visionstreams.models.stereo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.schema.FrameEncoding;

class DisparityPngTest {

    @Test
    void kittiPngRoundTripKeepsValuesToOneIn256AndInvalidAsInvalid() throws Exception {
        int w = 7, h = 3;
        float[] d = new float[w * h];
        for (int i = 0; i < d.length; i++) {
            d[i] = i % 5 == 0 ? DisparitySelection.INVALID : i * 3.14159f;
        }
        d[1] = 255.99f; // near the top of the 16-bit range
        byte[] png = DisparityPng.encode(d, w, h, DisparityPng.KITTI_SCALE);
        DisparityPng.Decoded back = DisparityPng.decode(png, DisparityPng.KITTI_SCALE);
        assertEquals(w, back.width());
        assertEquals(h, back.height());
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0) {
                assertEquals(DisparitySelection.INVALID, back.disparity()[i]);
            } else {
                assertEquals(d[i], back.disparity()[i], 0.5 / 256 + 1e-6, "pixel " + i);
            }
        }
        // the raw 16-bit values follow KITTI: round(d·256), 0 = invalid
        short[] raw = DisparityPng.toUnsigned16(new float[] {0.5f, -1f, 10f}, 256);
        assertArrayEquals(new short[] {128, 0, 2560}, raw);
    }

    @Test
    void depthIsFocalTimesBaselineOverDisparityInMillimetres() {
        short[] z = DisparityPng.depthMillimetres(new float[] {10f, 0f, -1f, 0.01f}, 700, 0.12);
        assertEquals(8400, z[0] & 0xFFFF); // 700·0.12/10 m = 8.4 m
        assertEquals(0, z[1]);
        assertEquals(0, z[2]);
        assertEquals(0, z[3], "84 km does not fit 16-bit millimetres: unknown, not a wrong 65.5 m");
        assertTrue(DisparityPng.canComputeDepth(700, 0.1));
        assertFalse(DisparityPng.canComputeDepth(0, 0.1));
        assertFalse(DisparityPng.canComputeDepth(700, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DisparityPng.depthMillimetres(new float[1], 0, 0.1));
    }

    @Test
    void zeroNanInfinityAndNegativesAreInvalidAndTinyDisparitiesStayValid() {
        float[] d = {0f, Float.NaN, -3f, 1f / 512, 12.5f, 255.99f, 300f, Float.POSITIVE_INFINITY};
        short[] v = DisparityPng.toUnsigned16(d, DisparityPng.KITTI_SCALE);
        int[] expected = {0, 0, 0, 1, 3200, 65533, 65535, 0};
        for (int i = 0; i < v.length; i++) {
            assertEquals(expected[i], v[i] & 0xFFFF, "value " + i);
        }
        assertEquals(4f / 8, DisparityPng.density(d));
    }

    @Test
    void confidenceIsEightBitAndZeroWhereDisparityIsInvalid() throws Exception {
        byte[] png = DisparityPng.encodeConfidence(new float[] {1f, 0.5f, 0.9f, 2f}, new float[] {3f, 4f, Float.NaN, 5f}, 2, 2);
        Image img = ImageCodec.decodeGray(FrameEncoding.PNG, png, 2, 2, ImageLimits.defaults());
        assertArrayEquals(new byte[] {(byte) 255, (byte) 128, 0, (byte) 255}, img.pixels());
    }
}
