package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.LetterboxGeometry;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.inference.Tensor;

class DetectionTranslatorTest {

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final int ANCHORS = 10;
    private static final int CLASSES = 3;

    private static DetectorSpec spec() {
        return new DetectorSpec("images", 320, 320, false, 1f / 255f, MEAN, STD, true, 114,
                "boxes", "scores", "cams", 16, List.of("circle", "rectangle", "triangle"));
    }

    private final DetectionTranslator translator = new DetectionTranslator(spec(), DetectionOptions.defaults());

    /** 640x480 into 320x320: scale 0.5, resized 320x240, padX 0, padY 40. */
    private static LetterboxGeometry frame640x480() {
        return LetterboxGeometry.compute(640, 480, 320, 320);
    }

    /** Fills anchor a with a network-pixel box and one class score. */
    private static void put(float[] boxes, float[] scores, int a, float x1, float y1, float x2, float y2, int c,
                            float score) {
        boxes[a * 4] = x1;
        boxes[a * 4 + 1] = y1;
        boxes[a * 4 + 2] = x2;
        boxes[a * 4 + 3] = y2;
        scores[a * CLASSES + c] = score;
    }

    private static Tensor boxes(float[] b) {
        return Tensor.ofFloats(new long[] {ANCHORS, 4}, b);
    }

    private static Tensor scores(float[] s) {
        return Tensor.ofFloats(new long[] {ANCHORS, CLASSES}, s);
    }

    private static void assertBox(ScoredBox b, int cls, float score, float x1, float y1, float x2, float y2) {
        assertEquals(cls, b.classId(), "class of " + b);
        assertEquals(score, b.score(), 1e-6f, "score of " + b);
        assertArrayEquals(new float[] {x1, y1, x2, y2}, new float[] {b.x1(), b.y1(), b.x2(), b.y2()}, 1e-3f,
                "corners of " + b);
    }

    @Test
    void letterboxOf640x480IsWhatTheContractSays() {
        LetterboxGeometry g = frame640x480();
        assertEquals(0.5f, g.scale());
        assertEquals(0f, g.padX());
        assertEquals(40f, g.padY());
        assertEquals(320, g.resizedWidth());
        assertEquals(240, g.resizedHeight());
    }

    @Test
    void thresholdsMapsBackAndRunsClassWiseNms() {
        float[] b = new float[ANCHORS * 4];
        float[] s = new float[ANCHORS * CLASSES];
        // two overlapping class-0 boxes (IoU 8100/11900 = 0.68 > 0.5): only the stronger survives
        put(b, s, 0, 100, 100, 200, 200, 0, 0.9f);
        put(b, s, 1, 110, 110, 210, 210, 0, 0.8f);
        // a class-1 box over both: other classes never suppress it
        put(b, s, 2, 105, 105, 205, 205, 1, 0.7f);
        // anchor 0 is also a weak class-2 candidate: same box, separate detection
        s[0 * CLASSES + 2] = 0.3f;
        // below the 0.25 threshold
        put(b, s, 3, 0, 40, 50, 90, 0, 0.2f);
        // straddles the top padding: y clipped to 0 in the source
        put(b, s, 4, 0, 20, 60, 100, 2, 0.6f);
        // entirely inside the padding: clipped to an empty box, so not an object despite its score
        put(b, s, 5, 10, 0, 50, 30, 2, 0.95f);
        // separate class-0 box, no overlap with anchor 0
        put(b, s, 6, 250, 150, 300, 200, 0, 0.5f);
        // exactly at the threshold counts
        put(b, s, 7, 0, 250, 40, 280, 1, 0.25f);
        // a broken model's NaN and >1 scores must never become detections
        put(b, s, 8, 150, 150, 170, 170, 0, Float.NaN);
        put(b, s, 9, 20, 200, 60, 240, 1, 1.5f);

        List<ScoredBox> out = translator.postprocess(boxes(b), scores(s), frame640x480());

        // source = ((x - 0) / 0.5, (y - 40) / 0.5), sorted by descending score
        assertEquals(6, out.size(), "got " + out);
        assertBox(out.get(0), 0, 0.9f, 200, 120, 400, 320);
        assertBox(out.get(1), 1, 0.7f, 210, 130, 410, 330);
        assertBox(out.get(2), 2, 0.6f, 0, 0, 120, 120);
        assertBox(out.get(3), 0, 0.5f, 500, 220, 600, 320);
        assertBox(out.get(4), 2, 0.3f, 200, 120, 400, 320);
        assertBox(out.get(5), 1, 0.25f, 0, 420, 80, 480);
    }

    @Test
    void boxesBeyondTheFrameAreClippedToIt() {
        float[] b = new float[ANCHORS * 4];
        float[] s = new float[ANCHORS * CLASSES];
        // past the right edge and into the bottom padding (resized image ends at y = 280)
        put(b, s, 0, 300, 250, 330, 300, 1, 0.8f);
        List<ScoredBox> out = translator.postprocess(boxes(b), scores(s), frame640x480());
        assertEquals(1, out.size());
        assertBox(out.get(0), 1, 0.8f, 600, 420, 640, 480);
    }

    @Test
    void maxDetectionsKeepsTheBest() {
        DetectionTranslator top2 = new DetectionTranslator(spec(), new DetectionOptions(0.25f, 0.5f, 2));
        float[] b = new float[ANCHORS * 4];
        float[] s = new float[ANCHORS * CLASSES];
        for (int a = 0; a < 5; a++) { // five disjoint boxes
            put(b, s, a, a * 60, 50, a * 60 + 40, 90, 0, 0.3f + 0.1f * a);
        }
        List<ScoredBox> out = top2.postprocess(boxes(b), scores(s), frame640x480());
        assertEquals(2, out.size());
        assertEquals(0.7f, out.get(0).score(), 1e-6f);
        assertEquals(0.6f, out.get(1).score(), 1e-6f);
    }

    @Test
    void nothingAboveThresholdGivesNoDetections() {
        List<ScoredBox> out = translator.postprocess(boxes(new float[ANCHORS * 4]), scores(new float[ANCHORS * CLASSES]),
                frame640x480());
        assertTrue(out.isEmpty());
    }

    @Test
    void wrongBoxesShapeIsRejectedWithTheExpectedLayout() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> translator.postprocess(
                Tensor.ofFloats(new long[] {ANCHORS, 5}, new float[ANCHORS * 5]), scores(new float[ANCHORS * CLASSES]),
                frame640x480()));
        assertTrue(e.getMessage().contains("[A,4]"), e.getMessage());

        // batch dimension left in by mistake
        e = assertThrows(IllegalArgumentException.class, () -> translator.postprocess(
                Tensor.ofFloats(new long[] {1, ANCHORS, 4}, new float[ANCHORS * 4]), scores(new float[ANCHORS * CLASSES]),
                frame640x480()));
        assertTrue(e.getMessage().contains("[A,4]"), e.getMessage());
    }

    @Test
    void scalarBoxesOutputIsRejectedNotAnIndexError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> translator.postprocess(
                Tensor.ofFloats(new long[] {}, new float[1]), scores(new float[ANCHORS * CLASSES]), frame640x480()));
        assertTrue(e.getMessage().contains("[A,4]"), e.getMessage());
    }

    @Test
    void scoresWithAnotherClassCountPointAtTheDescriptor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> translator.postprocess(
                boxes(new float[ANCHORS * 4]), Tensor.ofFloats(new long[] {ANCHORS, 4}, new float[ANCHORS * 4]),
                frame640x480()));
        assertTrue(e.getMessage().contains("[10,3]"), e.getMessage());
        assertTrue(e.getMessage().contains("class list"), e.getMessage());
    }

    @Test
    void scoresWithAnotherAnchorCountAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> translator.postprocess(
                boxes(new float[ANCHORS * 4]), Tensor.ofFloats(new long[] {ANCHORS - 1, CLASSES},
                        new float[(ANCHORS - 1) * CLASSES]), frame640x480()));
        assertTrue(e.getMessage().contains("[10,3]"), e.getMessage());
    }

    @Test
    void preprocessGivesANormalisedLetterboxedTensor() {
        int w = 640;
        int h = 480;
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i += 3) { // uniform colour: bilinear resizing keeps it exactly
            px[i] = (byte) 200;
            px[i + 1] = (byte) 100;
            px[i + 2] = (byte) 50;
        }
        Image img = new Image(w, h, 3, px);
        LetterboxGeometry g = translator.geometry(img);
        Map<String, Tensor> in = translator.preprocess(img, g);

        assertEquals(List.of("images"), List.copyOf(in.keySet()));
        Tensor t = in.get("images");
        assertArrayEquals(new long[] {3, 320, 320}, t.shape());
        float[] d = t.floats();
        int plane = 320 * 320;
        int[] rgb = {200, 100, 50};
        for (int c = 0; c < 3; c++) {
            float image = (rgb[c] / 255f - MEAN[c]) / STD[c];
            float pad = (114 / 255f - MEAN[c]) / STD[c];
            // row 0 lies in the top padding (padY 40), row 160 in the image, row 319 in the bottom padding
            assertEquals(pad, d[c * plane + 0 * 320 + 160], 1e-4f, "top pad, channel " + c);
            assertEquals(image, d[c * plane + 160 * 320 + 160], 1e-4f, "image, channel " + c);
            assertEquals(pad, d[c * plane + 319 * 320 + 5], 1e-4f, "bottom pad, channel " + c);
            // rows 39 / 40 and 279 / 280 are the exact padding boundaries
            assertEquals(pad, d[c * plane + 39 * 320 + 100], 1e-4f);
            assertEquals(image, d[c * plane + 40 * 320 + 100], 1e-4f);
            assertEquals(image, d[c * plane + 279 * 320 + 100], 1e-4f);
            assertEquals(pad, d[c * plane + 280 * 320 + 100], 1e-4f);
        }
    }
}
