package io.visionstreams.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.visionstreams.eval.CocoEval.Det;
import io.visionstreams.eval.CocoEval.Gt;

/** COCO AP on cases small enough to compute by hand. */
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
        assertEquals(r.map(), r.apPerClass()[0], 1e-12);
        assertEquals(-1, r.apPerClass()[1], "no ground truth: left out");
        // all boxes are 10x10 or smaller (area ≤ 32²): small equals all, medium/large have no ground truth
        assertEquals(r.map(), r.apSmall(), 1e-12);
        assertEquals(-1, r.apMedium());
        assertEquals(-1, r.apLarge());
    }

    @Test
    void perfectDetectionsGiveOneAndClassesWithoutGtAreLeftOut() {
        List<GtBox> gt = List.of(new GtBox(0, 0, 10, 10, 1));
        CocoEval.Result r = CocoEval.evaluate(List.of(gt, List.of()),
                List.of(List.of(new Det(0, 0, 10, 10, 1, 0.5f)), List.of(new Det(5, 5, 9, 9, 0, 0.9f))), 3);
        assertEquals(1.0, r.map(), 1e-12);
        assertEquals(1.0, r.ap50(), 1e-12);
        assertEquals(1.0, r.ap75(), 1e-12);
    }

    /**
     * One class, 4 ground truths in 2 images, 6 detections, all matches exact (IoU 1) so every threshold
     * agrees. By score: TP, FP, TP, FP, FP, TP → recall .25,.25,.5,.5,.5,.75; precision 1, .5, .667, .5, .4, .5.
     * Envelope: 1 (r ≤ .25: 26 points), .667 (.25 < r ≤ .5: 25 points), .5 (.5 < r ≤ .75: 25 points),
     * 0 beyond (25 points): AP = (26 + 25·2/3 + 25·0.5)/101.
     */
    @Test
    void knownPrecisionRecallCurve() {
        List<List<GtBox>> gts = List.of(
                List.of(new GtBox(0, 0, 10, 10, 0), new GtBox(20, 20, 40, 40, 0)),
                List.of(new GtBox(0, 0, 50, 50, 0), new GtBox(60, 0, 70, 10, 0)));
        List<List<Det>> dets = List.of(
                List.of(new Det(0, 0, 10, 10, 0, 0.95f), new Det(100, 100, 110, 110, 0, 0.90f),
                        new Det(20, 20, 40, 40, 0, 0.85f)),
                List.of(new Det(200, 0, 210, 10, 0, 0.80f), new Det(300, 0, 310, 10, 0, 0.70f),
                        new Det(0, 0, 50, 50, 0, 0.60f)));
        CocoEval.Result r = CocoEval.evaluate(gts, dets, 1);
        double expected = (26 + 25 * 2.0 / 3 + 25 * 0.5) / 101;
        assertEquals(expected, r.ap50(), 1e-9);
        assertEquals(expected, r.map(), 1e-9);
    }

    /**
     * Area ranges: a small (8x8) and a large (100x100) object; the large one is found (0.8), and a small
     * false positive (4x4) ranks first (0.9). Large: the small ground truth is ignored and so is the
     * unmatched small detection → AP 1. Small: the large detection matched ignored ground truth and is
     * ignored; the small FP counts and the small object is missed → AP 0. All: FP then TP over 2 objects →
     * precision 0.5 up to recall 0.5 → 51·0.5/101.
     */
    @Test
    void areaRangesIgnoreGroundTruthAndUnmatchedDetectionsOutsideThem() {
        List<List<GtBox>> gts = List.of(List.of(new GtBox(0, 0, 8, 8, 0), new GtBox(100, 100, 200, 200, 0)));
        List<List<Det>> dets = List.of(List.of(new Det(300, 300, 304, 304, 0, 0.9f),
                new Det(100, 100, 200, 200, 0, 0.8f)));
        CocoEval.Result r = CocoEval.evaluate(gts, dets, 1);
        assertEquals(1.0, r.apLarge(), 1e-12);
        assertEquals(0.0, r.apSmall(), 1e-12);
        assertEquals(-1, r.apMedium(), "no medium ground truth");
        assertEquals(51 * 0.5 / 101, r.map(), 1e-9);
    }

    @Test
    void largeRangeCountsLargeFalsePositives() {
        // a large FP ranked above the large TP: large AP = 0.5 at every recall point up to 1 → 0.5
        List<List<GtBox>> gts = List.of(List.of(new GtBox(100, 100, 200, 200, 0)));
        List<List<Det>> dets = List.of(List.of(new Det(300, 300, 500, 500, 0, 0.9f),
                new Det(100, 100, 200, 200, 0, 0.8f), new Det(0, 0, 4, 4, 0, 0.85f)));
        CocoEval.Result r = CocoEval.evaluate(gts, dets, 1);
        assertEquals(0.5, r.apLarge(), 1e-9, "the small FP is outside the large range and ignored");
        assertEquals(1.0 / 3, r.map(), 1e-9, "area all: two FPs ranked first → precision 1/3 at recall 1");
        assertEquals(-1, r.apSmall(), "no small ground truth");
    }

    @Test
    void maxDetsCutsEachImageToItsTopScores() {
        List<Det> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(new Det(100 + i * 20, 0, 110 + i * 20, 10, 0, 0.9f - i * 0.01f)); // 5 FPs on top
        }
        many.add(new Det(0, 0, 10, 10, 0, 0.1f)); // the TP, 6th by score
        List<List<Gt>> gts = List.of(List.of(Gt.of(new GtBox(0, 0, 10, 10, 0))));
        assertEquals(0.0, CocoEval.evaluateAnnotated(gts, List.of(many), 1, 5).map(), 1e-12);
        assertEquals(1.0 / 6, CocoEval.evaluateAnnotated(gts, List.of(many), 1, 6).map(), 1e-9);
    }

    /** A crowd region is ignored ground truth: detections inside it are neither TP nor FP. */
    @Test
    void crowdRegionsAbsorbDetectionsWithoutCountingThem() {
        List<List<Gt>> gts = List.of(List.of(Gt.of(new GtBox(0, 0, 10, 10, 0)),
                new Gt(new GtBox(100, 0, 200, 100, 0), 10000, true)));
        List<List<Det>> dets = List.of(List.of(new Det(110, 10, 130, 30, 0, 0.9f), new Det(150, 50, 170, 70, 0, 0.8f),
                new Det(0, 0, 10, 10, 0, 0.7f)));
        assertEquals(1.0, CocoEval.evaluateAnnotated(gts, dets, 1, 100).map(), 1e-12,
                "both crowd detections match the crowd (IoU = inter/det area = 1) and are ignored");
        assertThrows(IllegalArgumentException.class,
                () -> CocoEval.evaluateAnnotated(gts, List.of(), 1, 100));
    }
}
