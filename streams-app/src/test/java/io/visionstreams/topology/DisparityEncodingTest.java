package io.visionstreams.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.imaging.Image;
import io.visionstreams.schema.FrameEncoding;

class DisparityEncodingTest {

    private static final float[] DISPARITY = {0f, Float.NaN, -3f, 1f / 512, 12.5f, 255.99f, 300f, Float.POSITIVE_INFINITY};

    @Test
    void kittiValuesAreDisparityTimes256WithZeroForInvalid() {
        short[] v = DisparityEncoding.kittiValues(DISPARITY);
        int[] expected = {0, 0, 0, 1, 3200, 65533, 65535, 0};
        for (int i = 0; i < v.length; i++) {
            assertEquals(expected[i], v[i] & 0xFFFF, "value " + i);
        }
        assertEquals(4f / 8, DisparityEncoding.density(DISPARITY));
    }

    @Test
    void the16BitPngRoundTripsAtQuarterPixelPrecisionAndKeepsInvalid() throws Exception {
        int w = 4;
        int h = 2;
        float[] d = {0f, 0.25f, 1.5f, 17.75f, 63.99f, Float.NaN, 128f, 200.125f};
        int[] wh = new int[2];
        float[] back = DisparityEncoding.fromKittiValues(ImageCodec.decodePng16(DisparityEncoding.disparityPng(w, h, d), wh));
        assertArrayEquals(new int[] {w, h}, wh);
        assertTrue(Float.isNaN(back[0]) && Float.isNaN(back[5]), "invalid stays invalid");
        for (int i : new int[] {1, 2, 3, 4, 6, 7}) {
            assertEquals(d[i], back[i], 1f / 512, "pixel " + i);
        }
    }

    @Test
    void depthIsFocalTimesBaselineOverDisparityInMillimetres() {
        short[] mm = DisparityEncoding.depthMillimetres(new float[] {10f, 0.5f, Float.NaN, 700f}, 700, 0.1);
        assertEquals(7000, mm[0] & 0xFFFF, "700 px x 0.1 m / 10 px = 7 m");
        assertEquals(0, mm[1], "140 m does not fit 16-bit millimetres: unknown");
        assertEquals(0, mm[2]);
        assertEquals(100, mm[3] & 0xFFFF);
        assertTrue(DisparityEncoding.canComputeDepth(700, 0.1));
        assertFalse(DisparityEncoding.canComputeDepth(0, 0.1));
        assertFalse(DisparityEncoding.canComputeDepth(700, Double.NaN));
    }

    @Test
    void confidenceIsEightBitAndZeroWhereDisparityIsInvalid() throws Exception {
        byte[] png = DisparityEncoding.confidencePng(2, 2, new float[] {1f, 0.5f, 0.9f, 2f}, new float[] {3f, 4f, Float.NaN, 5f});
        Image img = ImageCodec.decodeGray(FrameEncoding.PNG, png, 2, 2, ImageLimits.defaults());
        assertArrayEquals(new byte[] {(byte) 255, (byte) 128, 0, (byte) 255}, img.pixels());
    }
}
