package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.visionstreams.imaging.LetterboxGeometry;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.inference.Tensor;

/** The YOLO decoders on synthetic prediction tensors with known boxes. */
class YoloDecoderTest {

    private static final DetectionOptions OPTS = new DetectionOptions(0.25f, 0.5f, 100);
    /** 640x480 into 320x320: scale 0.5, padX 0, padY 40. */
    private static final LetterboxGeometry G = LetterboxGeometry.compute(640, 480, 320, 320);

    /** Anchor-major rows: cx, cy, w, h, then class scores (2 classes). */
    private static final float[][] ROWS = {
        {100, 100, 40, 20, 0.9f, 0.0f},  // class 0 at net (80,90)-(120,110) → src (160,100)-(240,140)
        {200, 150, 20, 40, 0.1f, 0.7f},  // class 1 at net (190,130)-(210,170) → src (380,180)-(420,260)
        {50, 50, 10, 10, 0.2f, 0.1f},    // below threshold
        {101, 100, 40, 20, 0.6f, 0.0f},  // duplicate of row 0, suppressed by NMS
    };

    private static Tensor anchorsFirst(float[][] rows) {
        int a = rows.length;
        int k = rows[0].length;
        float[] d = new float[a * k];
        for (int i = 0; i < a; i++) {
            System.arraycopy(rows[i], 0, d, i * k, k);
        }
        return Tensor.ofFloats(new long[] {a, k}, d);
    }

    private static Tensor transposed(float[][] rows) {
        int a = rows.length;
        int k = rows[0].length;
        float[] d = new float[a * k];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < k; j++) {
                d[j * a + i] = rows[i][j];
            }
        }
        return Tensor.ofFloats(new long[] {k, a}, d);
    }

    private static void assertBox(ScoredBox b, int cls, float score, float... xyxy) {
        assertEquals(cls, b.classId());
        assertEquals(score, b.score(), 1e-6);
        assertArrayEquals(xyxy, new float[] {b.x1(), b.y1(), b.x2(), b.y2()}, 1e-3f);
    }

    @Test
    void v8BothLayoutsDecodeTheSameKnownBoxes() {
        for (Tensor t : List.of(anchorsFirst(ROWS), transposed(ROWS))) {
            List<ScoredBox> boxes = YoloDecoder.decode(t, DetectorSpec.DECODER_YOLO_V8, 2, G, OPTS);
            assertEquals(2, boxes.size(), "layout " + t);
            assertBox(boxes.get(0), 0, 0.9f, 160, 100, 240, 140);
            assertBox(boxes.get(1), 1, 0.7f, 380, 180, 420, 260);
        }
    }

    @Test
    void v5MultipliesObjectnessIntoTheClassScore() {
        float[][] rows = {
            {100, 100, 40, 20, 0.5f, 0.9f, 0.1f},  // 0.45 class 0
            {200, 150, 20, 40, 0.2f, 0.0f, 1.0f},  // objectness 0.2: nothing passes 0.25
            {200, 150, 20, 40, 1.0f, 0.0f, 0.3f},  // 0.3 class 1
        };
        for (Tensor t : List.of(anchorsFirst(rows), transposed(rows))) {
            List<ScoredBox> boxes = YoloDecoder.decode(t, DetectorSpec.DECODER_YOLO_V5, 2, G, OPTS);
            assertEquals(2, boxes.size());
            assertBox(boxes.get(0), 0, 0.45f, 160, 100, 240, 140);
            assertBox(boxes.get(1), 1, 0.3f, 380, 180, 420, 260);
        }
    }

    @Test
    void classCountThatFitsNeitherDimensionIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> YoloDecoder.decode(anchorsFirst(ROWS), DetectorSpec.DECODER_YOLO_V8, 3, G, OPTS));
        assertTrue(e.getMessage().contains("7 = 4 + 3 classes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> YoloDecoder.decode(Tensor.ofFloats(new long[] {6},
                new float[6]), DetectorSpec.DECODER_YOLO_V8, 2, G, OPTS));
    }

    @Test
    void boxesArePlacedThroughTheLetterboxAndClipped() {
        // a box in the top padding (net y 0..40 is padding for 640x480) is clipped to nothing and dropped;
        // one straddling the image edge is clipped to the frame
        float[][] rows = {{100, 20, 40, 20, 0.9f, 0f}, {310, 200, 40, 20, 0.8f, 0f}};
        List<ScoredBox> boxes = YoloDecoder.decode(anchorsFirst(rows), DetectorSpec.DECODER_YOLO_V8, 2, G, OPTS);
        assertEquals(1, boxes.size());
        assertBox(boxes.get(0), 0, 0.8f, 580, 300, 640, 340);
    }

    @Test
    void nhwcInputIsTheInterleavedCopyOfThePlanarTensor() {
        float[] chw = {1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400}; // 3 planes of 2x2
        assertArrayEquals(new float[] {1, 10, 100, 2, 20, 200, 3, 30, 300, 4, 40, 400},
                DetectionTranslator.toHwc(chw, 2, 2));
    }
}
