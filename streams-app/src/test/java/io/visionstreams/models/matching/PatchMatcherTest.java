package io.visionstreams.models.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.visionstreams.imaging.Image;

/** The façade end to end with the bundled zoo models on a synthetic homography pair. */
class PatchMatcherTest {

    /** Rotation 25°, scale 1.15, mild perspective about the centre of a 400×300 scene. */
    private static final double[] H;

    static {
        double[] s = Scenes.similarity(25, 1.15, 200, 150);
        s[6] = 2e-4;
        s[7] = -1.5e-4;
        H = s;
    }

    private static PatchMatcher matcher;
    private static Image a;
    private static Image b;

    @BeforeAll
    static void open() throws Exception {
        matcher = PatchMatcher.open(PatchMatcher.DEFAULT_DESCRIPTOR_MODEL, PatchMatcher.DEFAULT_PAIR_MODEL, "cpu", 2);
        a = Scenes.shapes(400, 300, 11);
        b = Scenes.warp(a, H);
    }

    @AfterAll
    static void close() {
        if (matcher != null) {
            matcher.close();
        }
    }

    @Test
    void matchesASyntheticHomographyPairPrecisely() throws Exception {
        MatchResult r = matcher.match(a, b, MatchOptions.defaults().withMaxKeypoints(300)
                .withGeometry(Geometry.Kind.HOMOGRAPHY, 3));
        HomographyTruth.Score s = HomographyTruth.score(r.matches(), H, 5);
        assertTrue(s.matches() >= 40, "matches " + s.matches());
        assertTrue(s.precision() >= 0.8, "precision " + s.precision() + " (" + s.correct() + "/" + s.matches() + ")");
        assertEquals("patch-siam-l2:1", r.method());
        assertTrue(r.keypointsA() <= 300 && r.keypointsB() <= 300);

        assertNotNull(r.geometry());
        double[] est = r.geometry().matrix(), p = new double[2], q = new double[2];
        for (double[] c : new double[][] {{50, 50}, {350, 50}, {50, 250}, {350, 250}}) {
            HomographyTruth.apply(H, c[0], c[1], p);
            HomographyTruth.apply(est, c[0], c[1], q);
            assertTrue(Math.hypot(p[0] - q[0], p[1] - q[1]) < 3, "estimated H off by " + Math.hypot(p[0] - q[0], p[1] - q[1]));
        }
        for (MatchResult.PointMatch m : r.matches()) {
            HomographyTruth.apply(H, m.ax(), m.ay(), p);
            if (m.inlier()) {
                assertTrue(Math.hypot(p[0] - m.bx(), p[1] - m.by()) < 8, "inlier far from the truth: " + m);
            }
            assertTrue(m.score() <= 0, "descriptor scores are −L2 distances: " + m.score());
        }
        assertTrue(r.timings().describeMs() > 0 && r.timings().totalMs() >= r.timings().describeMs());
    }

    @Test
    void rescoringKeepsOnlyPairsTheTwoChannelModelAccepts() throws Exception {
        MatchOptions base = MatchOptions.defaults().withMaxKeypoints(200);
        MatchResult plain = matcher.match(a, b, base);
        MatchResult strict = matcher.match(a, b, base.withRescore(true, 0.5));
        assertTrue(strict.matches().size() <= plain.matches().size());
        assertTrue(strict.matches().stream().allMatch(m -> m.score() >= 0.5), "scores are 2-channel scores >= threshold");
        assertTrue(strict.timings().rescoreMs() > 0);
        HomographyTruth.Score s = HomographyTruth.score(strict.matches(), H, 5);
        assertTrue(s.matches() >= 20 && s.precision() >= 0.8, "re-scored precision " + s.precision() + " of " + s.matches());
    }

    @Test
    void unrelatedImagesGiveFewMatches() throws Exception {
        Image other = Scenes.shapes(400, 300, 99);
        MatchResult r = matcher.match(a, other, MatchOptions.defaults().withMaxKeypoints(200).withRatio(0.8));
        MatchResult same = matcher.match(a, b, MatchOptions.defaults().withMaxKeypoints(200).withRatio(0.8));
        assertTrue(r.matches().size() * 2 < same.matches().size(),
                "unrelated " + r.matches().size() + " vs related " + same.matches().size());
    }

    @Test
    void topologyAdapterCarriesMatchesGeometryAndIdentity() throws Exception {
        try (var port = io.visionstreams.topology.PairMatchers.cnn(
                PatchMatcher.open(PatchMatcher.DEFAULT_DESCRIPTOR_MODEL, null, "cpu", 1),
                MatchOptions.defaults().withMaxKeypoints(200).withGeometry(Geometry.Kind.HOMOGRAPHY, 3))) {
            var r = port.match(a, b);
            assertTrue(r.matches().size() >= 30, "matches " + r.matches().size());
            assertEquals(io.visionstreams.schema.GeometryKind.HOMOGRAPHY, r.geometryKind());
            assertEquals(9, r.geometry().length);
            assertTrue(r.matches().stream().anyMatch(io.visionstreams.topology.PairMatcher.Match::inlier));
            assertEquals("patch-siam-l2", port.identity().name());
            assertEquals("1", port.identity().version());
            assertTrue(r.computeMicros() > 0);
        }
    }

    @Test
    void rescoringWithoutAPairModelIsAClearError() throws Exception {
        try (PatchMatcher m = PatchMatcher.open(PatchMatcher.DEFAULT_DESCRIPTOR_MODEL, null, "cpu", 1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> m.match(a, b, MatchOptions.defaults().withRescore(true, 0)));
            assertTrue(e.getMessage().contains("pair model"));
        }
    }

    @Test
    void aDetectionModelIsRefusedAsDescriptorModel() {
        var e = assertThrows(io.visionstreams.inference.InferenceException.class,
                () -> PatchMatcher.open("detector-student/1", null, "cpu", 1).close());
        assertTrue(e.getMessage().contains("patch-descriptor"), e.getMessage());
    }
}
