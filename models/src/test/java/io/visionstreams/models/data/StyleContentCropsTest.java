package io.visionstreams.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class StyleContentCropsTest {

    @Test
    void cropsHaveTheSizeAndRepeatPerSeed() {
        ImageFolder photos = TestData.photos();
        List<RgbImage> a = new StyleContentCrops(photos, 4).next(3);
        List<RgbImage> b = new StyleContentCrops(photos, 4).next(3);
        RgbImage c = new StyleContentCrops(photos, 5).next();
        for (int i = 0; i < 3; i++) {
            assertEquals(256, a.get(i).width());
            assertEquals(256, a.get(i).height());
            assertArrayEquals(a.get(i).data(), b.get(i).data());
        }
        assertFalse(Arrays.equals(a.get(0).data(), c.data()));
        RgbImage small = new StyleContentCrops(photos, 1, 128, 0.5, 512).next();
        assertEquals(128, small.width());
    }
}
