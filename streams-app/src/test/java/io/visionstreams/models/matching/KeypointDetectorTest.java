package io.visionstreams.models.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class KeypointDetectorTest {

    @Test
    void selectionSpreadsStrongKeypointsOverTheImage() {
        List<Keypoint> c = new ArrayList<>();
        // a dense cluster of very strong corners in the top-left, weaker ones on a grid elsewhere
        for (int i = 0; i < 50; i++) {
            c.add(new Keypoint(10 + i % 7, 10 + i / 7, 31, 0, 100 + i));
        }
        for (int y = 50; y < 400; y += 50) {
            for (int x = 50; x < 400; x += 50) {
                c.add(new Keypoint(x, y, 31, 0, 1));
            }
        }
        List<Keypoint> kept = KeypointDetector.select(c, 20, 400, 400);
        assertEquals(20, kept.size());
        long inCluster = kept.stream().filter(k -> k.x() < 20 && k.y() < 20).count();
        assertEquals(1, inCluster, "only the strongest of the cluster survives the spacing");
        assertEquals(149, kept.get(0).response(), 0);
    }

    @Test
    void fillsUpWithSkippedKeypointsWhenSpacingLeavesTooFew() {
        List<Keypoint> c = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            c.add(new Keypoint(100 + i, 100, 31, 0, i));
        }
        assertEquals(10, KeypointDetector.select(c, 10, 400, 400).size());
        assertEquals(4, KeypointDetector.select(c, 4, 400, 400).size());
    }

    @Test
    void everyDetectorFindsCappedKeypointsOnATexturedScene() {
        var img = Scenes.shapes(320, 240, 1);
        try (Mat g = Scenes.gray(img)) {
            for (KeypointDetector.Kind k : KeypointDetector.Kind.values()) {
                List<Keypoint> kps = KeypointDetector.detect(g, k, 150);
                assertTrue(kps.size() > 20 && kps.size() <= 150, k + " found " + kps.size());
                for (Keypoint p : kps) {
                    assertTrue(p.x() >= 0 && p.y() >= 0 && p.x() < 320 && p.y() < 240 && p.size() > 0, k + ": " + p);
                }
            }
        }
    }
}
