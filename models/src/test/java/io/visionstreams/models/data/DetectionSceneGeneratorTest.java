package io.visionstreams.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

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

    @Test
    void separateShapesHaveExactBoxesInsideTheCanvas() {
        DetectionSceneGenerator gen = new DetectionSceneGenerator(photos, 9, DetectionSceneGenerator.Options.separate(160));
        int boxes = 0;
        int[] perClass = new int[3];
        for (int s = 0; s < 30; s++) {
            DetectionSceneGenerator.Scene scene = gen.next();
            int w = scene.image().width();
            assertEquals(160, w);
            List<DetectionBox> bs = scene.boxes();
            assertTrue(bs.size() >= 1 && bs.size() <= 4);
            for (int b = 0; b < bs.size(); b++) {
                DetectionBox box = bs.get(b);
                perClass[box.classId()]++;
                boxes++;
                assertTrue(box.x1() >= 0 && box.y1() >= 0 && box.x2() <= w && box.y2() <= w, "inside the canvas: " + box);
                double longer = Math.max(box.width(), box.height());
                assertTrue(longer >= 16 && longer <= 112, "size " + box);
                for (int o = 0; o < b; o++) {
                    DetectionBox other = bs.get(o);
                    assertFalse(Math.min(box.x2(), other.x2()) > Math.max(box.x1(), other.x1())
                            && Math.min(box.y2(), other.y2()) > Math.max(box.y1(), other.y1()), "shapes do not overlap");
                }
                // the painted pixels are the pasted object: centres inside the box, reaching each edge to within a pixel
                int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
                for (int i = 0; i < w * w; i++) {
                    if (scene.instances()[i] == b) {
                        int x = i % w, y = i / w;
                        assertTrue(x + 0.5 >= box.x1() && x + 0.5 < box.x2() && y + 0.5 >= box.y1() && y + 0.5 < box.y2(),
                                "pixel centre outside its box");
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                    }
                }
                assertTrue(maxX >= 0, "shape painted");
                if (box.classId() != DetectionSceneGenerator.TRIANGLE) {
                    assertTrue(minX - box.x1() < 1 && box.x2() - (maxX + 1) < 1, "x extent of " + box + ": " + minX + ".." + maxX);
                    assertTrue(minY - box.y1() < 1 && box.y2() - (maxY + 1) < 1, "y extent of " + box + ": " + minY + ".." + maxY);
                } else {
                    // the box is the continuous triangle's; its corners and apex are single points, so the painted
                    // pixel centres can stop up to 2 px short of a box edge
                    assertTrue(minX - box.x1() < 2 && box.x2() - (maxX + 1) < 2, "triangle x " + box + ": " + minX + ".." + maxX);
                    assertTrue(minY - box.y1() < 3 && box.y2() - (maxY + 1) < 1, "triangle y " + box + ": " + minY + ".." + maxY);
                }
            }
        }
        assertTrue(boxes > 40, "boxes " + boxes);
        for (int c = 0; c < 3; c++) {
            assertTrue(perClass[c] > 0, "class " + c + " never drawn");
        }
    }

    /** Solid-colour backgrounds: the colour of a background pixel names the file it came from. */
    @Test
    void scenesOnTheTrainingSideNeverShowAValidationBackground(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int n = 20;
        for (int k = 0; k < n; k++) {
            byte[] d = new byte[120 * 100 * 3];
            for (int i = 0; i < d.length; i += 3) {
                d[i] = (byte) (10 * k);
                d[i + 1] = (byte) (250 - 10 * k);
                d[i + 2] = (byte) 99;
            }
            Images.writeRgb(dir.resolve("scene-" + (char) ('a' + k) + ".png"), new RgbImage(120, 100, d));
        }
        ImageFolder.Split split = ImageFolder.of(dir).split(0.3, 7);
        assertTrue(split.validation().size() > 0 && split.train().size() > 0);
        java.util.Set<Integer> trainReds = new java.util.HashSet<>();
        for (int i = 0; i < split.train().size(); i++) {
            trainReds.add(split.train().loadRgb(i).get(0, 0, 0));
        }
        for (DetectionSceneGenerator.Options o : List.of(DetectionSceneGenerator.Options.separate(96),
                DetectionSceneGenerator.Options.defaults().withSize(96, 96))) {
            DetectionSceneGenerator gen = new DetectionSceneGenerator(split.train(), 4, o);
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (int s = 0; s < 60; s++) {
                DetectionSceneGenerator.Scene scene = gen.next();
                for (int i = 0; i < scene.instances().length; i++) {
                    if (scene.instances()[i] == DetectionSceneGenerator.BACKGROUND) {
                        int red = scene.image().get(i % 96, i / 96, 0);
                        assertTrue(trainReds.contains(red), o.layout() + ": background pixel of a validation file, red " + red);
                        seen.add(red);
                    }
                }
            }
            assertTrue(seen.size() > 1, "several training backgrounds used");
        }
    }
}
