package io.visionstreams.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NmsTest {

    @Test
    void iouOfKnownBoxes() {
        ScoredBox a = new ScoredBox(0, 1f, 0, 0, 10, 10);
        ScoredBox b = new ScoredBox(0, 1f, 5, 0, 15, 10);   // overlap 5x10=50, union 150
        assertEquals(50f / 150f, Nms.iou(a, b), 1e-6);
        assertEquals(1f, Nms.iou(a, a), 1e-6);
        assertEquals(0f, Nms.iou(a, new ScoredBox(0, 1f, 10, 0, 20, 10)), 0f); // touching edges
        assertEquals(0f, Nms.iou(a, new ScoredBox(0, 1f, 20, 20, 30, 30)), 0f);
        ScoredBox inner = new ScoredBox(0, 1f, 2, 2, 4, 4); // area 4 inside area 100
        assertEquals(0.04f, Nms.iou(a, inner), 1e-6);
        assertEquals(0f, Nms.iou(new ScoredBox(0, 1f, 3, 3, 3, 3), new ScoredBox(0, 1f, 3, 3, 3, 3)), 0f);
    }

    @Test
    void overlappingSameClassSuppressedDifferentClassKept() {
        ScoredBox best = new ScoredBox(1, 0.9f, 0, 0, 10, 10);
        ScoredBox dup = new ScoredBox(1, 0.8f, 1, 0, 11, 10);     // IoU 90/110 = 0.82 with best
        ScoredBox otherClass = new ScoredBox(2, 0.7f, 1, 0, 11, 10);
        ScoredBox far = new ScoredBox(1, 0.6f, 50, 50, 60, 60);
        List<ScoredBox> out = Nms.classWise(List.of(far, dup, otherClass, best), 0.1f, 0.5f, 100);
        assertEquals(List.of(best, otherClass, far), out);
    }

    @Test
    void iouThresholdIsStrict() {
        ScoredBox a = new ScoredBox(0, 0.9f, 0, 0, 10, 10);
        ScoredBox b = new ScoredBox(0, 0.8f, 5, 0, 15, 10);  // IoU exactly 1/3
        assertEquals(2, Nms.classWise(List.of(a, b), 0f, 0.34f, 10).size());
        assertEquals(List.of(a), Nms.classWise(List.of(a, b), 0f, 0.33f, 10));
    }

    @Test
    void scoreThresholdDropsLowAndNaNScores() {
        ScoredBox hi = new ScoredBox(0, 0.5f, 0, 0, 1, 1);
        ScoredBox edge = new ScoredBox(0, 0.25f, 10, 10, 11, 11);
        ScoredBox lo = new ScoredBox(0, 0.2499f, 20, 20, 21, 21);
        ScoredBox nan = new ScoredBox(0, Float.NaN, 30, 30, 31, 31);
        assertEquals(List.of(hi, edge), Nms.classWise(List.of(lo, nan, edge, hi), 0.25f, 0.5f, 10));
    }

    @Test
    void maxDetectionsKeepsHighestScoresSortedDescending() {
        ScoredBox a = new ScoredBox(0, 0.3f, 0, 0, 1, 1);
        ScoredBox b = new ScoredBox(1, 0.9f, 0, 0, 1, 1);
        ScoredBox c = new ScoredBox(2, 0.6f, 0, 0, 1, 1);
        ScoredBox d = new ScoredBox(3, 0.8f, 0, 0, 1, 1);
        assertEquals(List.of(b, d), Nms.classWise(List.of(a, b, c, d), 0f, 0.5f, 2));
        assertEquals(List.of(), Nms.classWise(List.of(a, b), 0f, 0.5f, 0));
        // a suppressed box must not use up a slot
        ScoredBox bDup = new ScoredBox(1, 0.85f, 0, 0, 1, 1);
        assertEquals(List.of(b, d, c), Nms.classWise(List.of(a, b, bDup, c, d), 0f, 0.5f, 3));
    }
}
