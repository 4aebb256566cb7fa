package io.visionstreams.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LetterboxGeometryTest {

    @Test
    void wideSourcePadsTopAndBottom() {
        LetterboxGeometry g = LetterboxGeometry.compute(1920, 1080, 640, 640);
        assertEquals(1f / 3f, g.scale(), 1e-6);
        assertEquals(640, g.resizedWidth());
        assertEquals(360, g.resizedHeight());
        assertEquals(0f, g.padX());
        assertEquals(140f, g.padY());
    }

    @Test
    void tallSourcePadsLeftAndRight() {
        LetterboxGeometry g = LetterboxGeometry.compute(480, 960, 320, 320);
        assertEquals(1f / 3f, g.scale(), 1e-6);
        assertEquals(160, g.resizedWidth());
        assertEquals(320, g.resizedHeight());
        assertEquals(80f, g.padX());
        assertEquals(0f, g.padY());
    }

    @Test
    void oddPaddingUsesWholePixelOffset() {
        LetterboxGeometry g = LetterboxGeometry.compute(100, 97, 100, 100); // 3 rows of padding
        assertEquals(97, g.resizedHeight());
        assertEquals(1f, g.padY()); // 1 above, 2 below
    }

    @Test
    void upscalesSmallSources() {
        LetterboxGeometry g = LetterboxGeometry.compute(32, 16, 64, 64);
        assertEquals(2f, g.scale(), 0f);
        assertEquals(16f, g.padY());
        assertArrayEquals(new float[] {0, 16, 64, 48}, g.toNetwork(0, 0, 32, 16), 1e-5f);
    }

    @Test
    void toSourceInvertsToNetwork() {
        for (LetterboxGeometry g : new LetterboxGeometry[] {
            LetterboxGeometry.compute(1920, 1080, 640, 640),
            LetterboxGeometry.compute(480, 960, 320, 320),
            LetterboxGeometry.compute(1242, 375, 1280, 384)}) {
            float[] box = {10.5f, 20.25f, 300f, 301f};
            float[] net = g.toNetwork(box[0], box[1], box[2], box[3]);
            assertArrayEquals(box, g.toSource(net[0], net[1], net[2], net[3]), 1e-3f, g.toString());
        }
        LetterboxGeometry g = LetterboxGeometry.compute(1920, 1080, 640, 640);
        assertArrayEquals(new float[] {30, 30, 60, 90}, g.toSource(10, 150, 20, 170), 1e-3f);
    }

    @Test
    void toSourceClipsToTheFrame() {
        LetterboxGeometry g = LetterboxGeometry.compute(1920, 1080, 640, 640);
        // box reaching into the top padding and past the right edge of the network input
        float[] s = g.toSource(-5, 100, 700, 600);
        assertArrayEquals(new float[] {0, 0, 1920, 1080}, s, 1e-3f);
    }
}
