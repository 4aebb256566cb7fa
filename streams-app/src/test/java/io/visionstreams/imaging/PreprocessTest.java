package io.visionstreams.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PreprocessTest {

    private static Image solid(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = (byte) r;
            px[i + 1] = (byte) g;
            px[i + 2] = (byte) b;
        }
        return new Image(w, h, 3, px);
    }

    @Test
    void letterboxPutsPixelsAndPaddingAtTheRightPositions() {
        // 8x4 solid frame into 8x8: rows 0-1 and 6-7 are padding, rows 2-5 the image
        Image src = solid(8, 4, 200, 100, 50);
        LetterboxGeometry g = LetterboxGeometry.compute(8, 4, 8, 8);
        float[] mean = {10f, 20f, 30f};
        float[] std = {2f, 4f, 5f};
        int off = 5;
        float[] dst = new float[off + 3 * 64 + 3];
        dst[off - 1] = -123f;
        dst[off + 192] = -456f;
        Preprocess.letterboxToTensor(src, g, 114, 1f, mean, std, false, dst, off);
        assertEquals(-123f, dst[off - 1], "must not write before dstOffset");
        assertEquals(-456f, dst[off + 192], "must not write past the tensor");
        float[] rgb = {200, 100, 50};
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    float v = dst[off + c * 64 + y * 8 + x];
                    boolean pad = y < 2 || y >= 6;
                    float expected = ((pad ? 114 : rgb[c]) - mean[c]) / std[c];
                    assertEquals(expected, v, 1e-5, "c=" + c + " y=" + y + " x=" + x);
                }
            }
        }
    }

    @Test
    void bgrSwapsChannelsAndScaleApplies() {
        Image src = solid(4, 8, 255, 0, 51); // tall: padding left/right
        LetterboxGeometry g = LetterboxGeometry.compute(4, 8, 8, 8);
        assertEquals(2f, g.padX());
        float[] dst = new float[3 * 64];
        Preprocess.letterboxToTensor(src, g, 0, 1f / 255f, new float[] {0, 0, 0}, new float[] {1, 1, 1}, true, dst, 0);
        // channel 0 is B, channel 2 is R
        assertEquals(0.2f, dst[0 * 64 + 3 * 8 + 3], 1e-6);
        assertEquals(0f, dst[1 * 64 + 3 * 8 + 3], 1e-6);
        assertEquals(1f, dst[2 * 64 + 3 * 8 + 3], 1e-6);
        assertEquals(0f, dst[2 * 64 + 3 * 8 + 1], 0f, "left padding");
        assertEquals(0f, dst[2 * 64 + 3 * 8 + 6], 0f, "right padding");
        assertEquals(1f, dst[2 * 64 + 3 * 8 + 5], 1e-6, "last image column");
    }

    @Test
    void letterboxResizesAKnownPattern() {
        // left half black, right half white, 2x downscale: resized columns keep the split
        int w = 16;
        int h = 8;
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = w / 2; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = px[i + 1] = px[i + 2] = (byte) 255;
            }
        }
        LetterboxGeometry g = LetterboxGeometry.compute(w, h, 8, 8);
        assertEquals(2f, g.padY());
        float[] dst = new float[3 * 64];
        Preprocess.letterboxToTensor(new Image(w, h, 3, px), g, 114, 1f, new float[3], new float[] {1, 1, 1}, false,
                dst, 0);
        assertEquals(0f, dst[3 * 8 + 0], 1e-6);
        assertEquals(0f, dst[3 * 8 + 2], 1e-6);
        assertEquals(255f, dst[3 * 8 + 5], 1e-6);
        assertEquals(255f, dst[3 * 8 + 7], 1e-6);
        assertEquals(114f, dst[0], 1e-6);
        assertEquals(114f, dst[7 * 8 + 7], 1e-6);
    }

    @Test
    void resizeKeepsSolidColourAndChannels() {
        Image out = Preprocess.resize(solid(10, 6, 1, 2, 3), 25, 7);
        assertEquals(25, out.width());
        assertEquals(7, out.height());
        assertEquals(3, out.channels());
        for (int i = 0; i < out.pixels().length; i += 3) {
            assertEquals(1, out.pixels()[i]);
            assertEquals(2, out.pixels()[i + 1]);
            assertEquals(3, out.pixels()[i + 2]);
        }
        Image gray = Preprocess.resize(new Image(2, 2, 1, new byte[] {0, 0, 0, 0}), 4, 4);
        assertEquals(1, gray.channels());
        assertEquals(16, gray.pixels().length);
    }

    @Test
    void edgePaddingRepeatsTheOutermostPixels() {
        // a 4x2 gray frame in a 4x4 input: one padding row above and below, copies of the first and last row;
        // a 2x4 frame: one column left and right, copies of each row's first and last pixel
        Image wide = new Image(4, 2, 1, new byte[] {10, 20, 30, 40, 50, 60, 70, 80});
        LetterboxGeometry g = LetterboxGeometry.compute(4, 2, 4, 4);
        float[] dst = new float[3 * 16];
        Preprocess.letterboxToTensor(wide, g, Preprocess.PAD_EDGE, 1f, new float[3], new float[] {1, 1, 1}, false, dst, 0);
        float[] expected = {10, 20, 30, 40, 10, 20, 30, 40, 50, 60, 70, 80, 50, 60, 70, 80};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 16; i++) {
                assertEquals(expected[i], dst[c * 16 + i], 1e-6, "c=" + c + " i=" + i);
            }
        }
        Image tall = new Image(2, 4, 1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Preprocess.letterboxToTensor(tall, LetterboxGeometry.compute(2, 4, 4, 4), Preprocess.PAD_EDGE, 1f, new float[3],
                new float[] {1, 1, 1}, false, dst, 0);
        float[] side = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8};
        for (int i = 0; i < 16; i++) {
            assertEquals(side[i], dst[i], 1e-6, "i=" + i);
        }
    }
}
