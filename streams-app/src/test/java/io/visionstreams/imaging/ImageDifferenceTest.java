package io.visionstreams.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImageDifferenceTest {

    @Test
    void meanAbsoluteDifferenceAndPsnrByHand() {
        Image a = new Image(2, 1, 1, new byte[] {10, (byte) 200});
        Image b = new Image(2, 1, 1, new byte[] {13, (byte) 195});
        ImageDifference d = ImageDifference.of(a, b);
        assertEquals(4.0, d.meanAbs(), 1e-12); // (3 + 5) / 2
        assertEquals(10 * Math.log10(255.0 * 255.0 / 17.0), d.psnrDb(), 1e-9); // MSE (9 + 25) / 2
        assertEquals(Double.POSITIVE_INFINITY, ImageDifference.of(a, a).psnrDb());
        assertThrows(IllegalArgumentException.class, () -> ImageDifference.of(a, new Image(1, 2, 1, new byte[2])));
    }
}
