package io.visionstreams.models.stereo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.visionstreams.imaging.Image;

/** The façade end to end with the real zoo model (StereoMatcher.DEFAULT_MODEL through ONNX Runtime), no Kafka. */
class StereoMatcherTest {

    static StereoMatcher matcher;

    @BeforeAll
    static void open() throws Exception {
        matcher = StereoMatcher.open(StereoMatcher.DEFAULT_MODEL, "cpu", 2, StereoOptions.defaults(24).withThreads(2).withScale(1.0));
    }

    @AfterAll
    static void close() {
        if (matcher != null) {
            matcher.close();
        }
    }

    @Test
    void recoversABoxInFrontOfAPlaneWithTheZooModel() throws Exception {
        // odd size on purpose: nothing may assume a multiple of a stride
        StereoTestPairs.Pair p = StereoTestPairs.boxOnPlane(161, 97, 5, 15, 60, 110, 25, 75, 3);
        StereoResult r = matcher.match(gray(p, true), gray(p, false));
        assertEquals(161, r.width());
        assertEquals(97, r.height());
        DisparityErrors e = DisparityErrors.of(r.disparity(), truthWithoutOcclusions(p), 24);
        assertTrue(r.density() > 0.75, "density " + r.density());
        assertTrue(e.coverage() > 0.8, "coverage " + e.coverage());
        assertTrue(e.bad2Percent() < 5, "bad-2 " + e);
        assertTrue(e.epe() < 1.0, "EPE " + e);
        int conf = 0;
        for (byte b : r.confidence()) {
            conf += b & 0xFF;
        }
        assertTrue(conf > 0, "some confidence");
        assertTrue(r.timings().features() > 0 && r.timings().aggregation() > 0);
    }

    @Test
    void rgbInputIsConvertedToGrayAndHalfScaleStaysClose() throws Exception {
        StereoTestPairs.Pair p = StereoTestPairs.boxOnPlane(160, 96, 6, 16, 60, 110, 25, 75, 4);
        Image l = gray(p, true), r = gray(p, false);
        try (StereoMatcher half = StereoMatcher.open(StereoMatcher.DEFAULT_MODEL, "cpu", 2,
                StereoOptions.defaults(24).withThreads(2).withScale(0.5))) {
            StereoResult res = half.match(rgb(l), rgb(r));
            assertEquals(160, res.width());
            DisparityErrors e = DisparityErrors.of(res.disparity(), truthWithoutOcclusions(p), 24);
            assertTrue(e.coverage() > 0.6, "coverage " + e.coverage());
            assertTrue(e.bad2Percent() < 15, "bad-2 at half scale " + e);
        }
    }

    @Test
    void refusesMoreDisparitiesThanColumnsAndMismatchedSizes() {
        Image small = new Image(20, 10, 1, new byte[200]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> matcher.match(small, small));
        assertTrue(e.getMessage().contains("larger than the image width"), e.getMessage());
        Image other = new Image(40, 10, 1, new byte[400]);
        assertThrows(IllegalArgumentException.class, () -> matcher.match(other, new Image(41, 10, 1, new byte[410])));
    }

    static Image gray(StereoTestPairs.Pair p, boolean left) {
        return new Image(p.width(), p.height(), 1, left ? p.left() : p.right());
    }

    static Image rgb(Image g) {
        byte[] px = new byte[g.pixels().length * 3];
        for (int i = 0; i < g.pixels().length; i++) {
            px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = g.pixels()[i];
        }
        return new Image(g.width(), g.height(), 3, px);
    }

    static float[] truthWithoutOcclusions(StereoTestPairs.Pair p) {
        float[] t = p.truth().clone();
        for (int i = 0; i < t.length; i++) {
            if (p.occluded()[i]) {
                t[i] = DisparitySelection.INVALID;
            }
        }
        return t;
    }
}
