package io.visionstreams.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DetectionSceneGeneratorTest {

    private static ImageFolder photos;

    @BeforeAll
    static void load() {
        photos = TestData.photos();
    }

    @Test
    void boxesTightlyBoundTheirShapes() {
        DetectionSceneGenerator gen = new DetectionSceneGenerator(photos, 3);
        int boxes = 0, unlabelled = 0;
        int[] perClass = new int[3];
        for (int s = 0; s < 20; s++) {
            DetectionSceneGenerator.Scene scene = gen.next();
            int w = scene.image().width(), h = scene.image().height();
            assertEquals(320, w);
            assertEquals(320, h);
            for (int b = 0; b < scene.boxes().size(); b++) {
                DetectionBox box = scene.boxes().get(b);
                perClass[box.classId()]++;
                boxes++;
                boolean top = false, bottom = false, left = false, right = false;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        if (scene.instances()[y * w + x] != b) {
                            continue;
                        }
                        assertTrue(x >= box.x1() && x + 1 <= box.x2() && y >= box.y1() && y + 1 <= box.y2(),
                                "shape pixel outside its box");
                        left |= x == box.x1();
                        right |= x + 1 == box.x2();
                        top |= y == box.y1();
                        bottom |= y + 1 == box.y2();
                    }
                }
                assertTrue(top && bottom && left && right, "every box edge touches its shape");
                assertTrue(box.x1() >= 0 && box.y1() >= 0 && box.x2() <= w && box.y2() <= h);
            }
            for (int v : scene.instances()) {
                unlabelled += v == DetectionSceneGenerator.UNLABELLED ? 1 : 0;
            }
        }
        assertTrue(boxes > 30, "boxes: " + boxes);
        for (int c = 0; c < 3; c++) {
            assertTrue(perClass[c] > 0, "class " + DetectionSceneGenerator.CLASSES.get(c) + " never drawn");
        }
        assertTrue(unlabelled > 0, "some shapes are mostly hidden or off-frame and left unlabelled");
    }

    @Test
    void fullyVisibleCircleHasItsDiameterAsBox() {
        // a lone shape well inside the frame: its box must match the circle's size closely
        DetectionSceneGenerator gen = new DetectionSceneGenerator(photos, 17,
                DetectionSceneGenerator.Options.defaults().withObjects(1, 1));
        int checked = 0;
        for (int s = 0; s < 40 && checked < 3; s++) {
            DetectionSceneGenerator.Scene scene = gen.next();
            if (scene.boxes().size() != 1 || scene.boxes().get(0).classId() != DetectionSceneGenerator.CIRCLE) {
                continue;
            }
            DetectionBox b = scene.boxes().get(0);
            if (b.x1() == 0 || b.y1() == 0 || b.x2() == 320 || b.y2() == 320) {
                continue;
            }
            long area = Arrays.stream(scene.instances()).filter(v -> v == 0).count();
            double d = (b.width() + b.height()) / 2;
            assertEquals(Math.PI * d * d / 4, area, 0.08 * area + 8, "circle area vs box");
            assertEquals(b.width(), b.height(), 1.0);
            checked++;
        }
        assertTrue(checked > 0);
    }

    @Test
    void deterministicPerSeed() {
        DetectionSceneGenerator.Scene a = new DetectionSceneGenerator(photos, 5).next();
        DetectionSceneGenerator.Scene b = new DetectionSceneGenerator(photos, 5).next();
        DetectionSceneGenerator.Scene c = new DetectionSceneGenerator(photos, 6).next();
        assertArrayEquals(a.image().data(), b.image().data());
        assertEquals(a.boxes(), b.boxes());
        assertFalse(Arrays.equals(a.image().data(), c.image().data()));
    }

    @Test
    void configurableSize() {
        DetectionSceneGenerator.Scene s = new DetectionSceneGenerator(photos, 1,
                DetectionSceneGenerator.Options.defaults().withSize(200, 120)).next();
        assertEquals(200, s.image().width());
        assertEquals(120, s.image().height());
        assertEquals(200 * 120, s.instances().length);
    }
}
