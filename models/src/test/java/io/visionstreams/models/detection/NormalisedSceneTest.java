package io.visionstreams.models.detection;

import io.visionstreams.eval.GtBox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.data.DetectionBox;
import io.visionstreams.models.data.DetectionSceneGenerator;
import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.Images;
import io.visionstreams.models.data.RgbImage;

/** Generator scenes become contract-normalised images with the generator's boxes, for both layouts. */
class NormalisedSceneTest {

    @Test
    void scenesAreNormalisedWithTheGeneratorsBoxes(@TempDir Path dir) throws Exception {
        Random r = new Random(1);
        for (int k = 0; k < 3; k++) {
            byte[] d = new byte[128 * 128 * 3];
            r.nextBytes(d);
            Images.writeRgb(dir.resolve("bg" + k + ".png"), new RgbImage(128, 128, d));
        }
        int boxes = 0;
        for (DetectionSceneGenerator.Options o : new DetectionSceneGenerator.Options[] {
                DetectionSceneGenerator.Options.defaults().withSize(96, 96), DetectionSceneGenerator.Options.separate(96)}) {
            DetectionSceneGenerator g = new DetectionSceneGenerator(ImageFolder.of(dir), 3, o);
            for (int i = 0; i < 5; i++) {
                DetectionSceneGenerator.Scene raw = g.next();
                NormalisedScene s = NormalisedScene.of(raw);
                assertEquals(3 * 96 * 96, s.chw().length);
                // pixel (5, 7), green channel
                int g8 = raw.image().get(5, 7, 1);
                assertEquals((g8 / 255f - 0.456f) / 0.224f, s.chw()[96 * 96 + 7 * 96 + 5], 1e-6);
                for (float v : s.chw()) {
                    // (0/255 − 0.485)/0.229 = −2.12 … (1 − 0.406)/0.225 = 2.64
                    assertTrue(v >= -2.2f && v <= 2.7f, "value " + v);
                }
                assertEquals(raw.boxes().size(), s.boxes().size());
                for (int k = 0; k < s.boxes().size(); k++) {
                    GtBox b = s.boxes().get(k);
                    DetectionBox d = raw.boxes().get(k);
                    assertEquals(new GtBox((float) d.x1(), (float) d.y1(), (float) d.x2(), (float) d.y2(), d.classId()), b);
                    assertTrue(b.x1() >= 0 && b.y1() >= 0 && b.x2() <= 96 && b.y2() <= 96 && b.x2() > b.x1() && b.y2() > b.y1(), "" + b);
                    boxes++;
                }
            }
        }
        assertTrue(boxes > 0);
    }
}
