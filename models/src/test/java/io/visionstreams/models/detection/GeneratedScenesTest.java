package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.Images;
import io.visionstreams.models.data.RgbImage;

/** The adapter from DetectionSceneGenerator gives contract-normalised images and in-frame boxes. */
class GeneratedScenesTest {

    @Test
    void scenesAreNormalisedWithBoxesInsideTheCanvas(@TempDir Path dir) throws Exception {
        Random r = new Random(1);
        for (int k = 0; k < 3; k++) {
            byte[] d = new byte[128 * 128 * 3];
            r.nextBytes(d);
            Images.writeRgb(dir.resolve("bg" + k + ".png"), new RgbImage(128, 128, d));
        }
        GeneratedScenes g = new GeneratedScenes(ImageFolder.of(dir), 3);
        int boxes = 0;
        for (int i = 0; i < 5; i++) {
            InterimScenes.Scene s = g.render(96, null);
            assertEquals(3 * 96 * 96, s.chw().length);
            for (float v : s.chw()) {
                // (0/255 − 0.485)/0.229 = −2.12 … (1 − 0.406)/0.225 = 2.64
                assertTrue(v >= -2.2f && v <= 2.7f, "value " + v);
            }
            for (GtBox b : s.boxes()) {
                assertTrue(b.x1() >= 0 && b.y1() >= 0 && b.x2() <= 96 && b.y2() <= 96 && b.x2() > b.x1() && b.y2() > b.y1(), "" + b);
                assertTrue(b.cls() >= 0 && b.cls() < 3);
                boxes++;
            }
        }
        assertTrue(boxes > 0);
    }
}
