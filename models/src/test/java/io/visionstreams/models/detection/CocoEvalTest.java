package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.visionstreams.models.detection.CocoEval.Det;

/** AP against a hand-computed case. */
class CocoEvalTest {

    /**
     * 2 ground truths, 3 detections by score: A (IoU 0.8 with gt1), B (IoU 0.3 with gt1 only), C (IoU 0.62 with gt2).
     * t ∈ {.50,.55,.60}: TP,FP,TP → recall .5,.5,1, precision 1,.5,.667 → envelope 1 for r ≤ .5 (51 points) and
     * 2/3 for r ∈ (.5,1] (50 points): AP = (51 + 50·2/3)/101 = 0.834983.
     * t ∈ {.65,.70,.75,.80}: only A matches → 51/101 = 0.504950. t ≥ .85: 0.
     * mAP@[.5:.95] = (3·0.834983 + 4·0.504950)/10 = 0.452475.
     */
    @Test
    void handComputedCase() {
        List<GtBox> gt = List.of(new GtBox(0, 0, 10, 10, 0), new GtBox(20, 0, 30, 10, 0));
        List<Det> det = List.of(new Det(0, 0, 10, 8, 0, 0.9f), new Det(0, 0, 10, 3, 0, 0.8f),
                new Det(20, 0, 30, 6.2f, 0, 0.7f));
        assertEquals(0.8, det.get(0).box().iou(gt.get(0)), 1e-6);
        assertEquals(0.3, det.get(1).box().iou(gt.get(0)), 1e-6);
        assertEquals(0.62, det.get(2).box().iou(gt.get(1)), 1e-6);
        CocoEval.Result r = CocoEval.evaluate(List.of(gt), List.of(det), 3);
        double high = (51 + 50 * 2.0 / 3) / 101;
        double mid = 51.0 / 101;
        assertEquals(high, r.ap50(), 1e-9);
        assertEquals(mid, r.ap75(), 1e-9);
        assertEquals((3 * high + 4 * mid) / 10, r.map(), 1e-9);
        assertEquals(0.452475, r.map(), 1e-6);
    }

    @Test
    void perfectDetectionsGiveOneAndClassesWithoutGtAreLeftOut() {
        List<GtBox> gt = List.of(new GtBox(0, 0, 10, 10, 1));
        CocoEval.Result r = CocoEval.evaluate(List.of(gt, List.of()),
                List.of(List.of(new Det(0, 0, 10, 10, 1, 0.5f)), List.of(new Det(5, 5, 9, 9, 0, 0.9f))), 3);
        assertEquals(1.0, r.map(), 1e-12);
    }

    @Test
    void nmsKeepsTheBestOfOverlappingSameClassBoxes() {
        List<Det> d = List.of(new Det(0, 0, 10, 10, 0, 0.9f), new Det(1, 0, 11, 10, 0, 0.8f),
                new Det(1, 0, 11, 10, 1, 0.7f), new Det(30, 30, 40, 40, 0, 0.6f));
        List<Det> k = CocoEval.nms(d, 0.5);
        assertEquals(List.of(d.get(0), d.get(2), d.get(3)), k);
    }
}
