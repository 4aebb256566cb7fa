package io.visionstreams.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.visionstreams.schema.FrameEncoding;

class GrayPngTest {

    @Test
    void decodersReadBackTheSamePixels() throws Exception {
        Random rnd = new Random(3);
        for (int[] size : new int[][] {{1, 1}, {7, 3}, {640, 480}, {33, 1}, {1, 29}}) {
            byte[] px = new byte[size[0] * size[1]];
            rnd.nextBytes(px); // noise: every Sub residual, wrap-around included
            byte[] png = GrayPng.encode(px, size[0], size[1]);
            Image back = ImageCodec.decodeGray(FrameEncoding.PNG, png, size[0], size[1], ImageLimits.defaults());
            assertEquals(size[0], back.width());
            assertArrayEquals(px, back.pixels());
            java.awt.image.BufferedImage awt = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            assertEquals(size[1], awt.getHeight());
            assertEquals(px[px.length - 1] & 0xFF, awt.getRaster().getSample(size[0] - 1, size[1] - 1, 0));
        }
    }

    @Test
    void refusesAWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> GrayPng.encode(new byte[6], 4, 2));
        assertThrows(IllegalArgumentException.class, () -> GrayPng.encode(new byte[0], 0, 0));
    }
}
