package io.visionstreams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.ingest.SyntheticStereoRig;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.GeometryKind;
import io.visionstreams.schema.PatchMatches;
import io.visionstreams.schema.PointMatch;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.VisionSerdes;

/** Image pairs to PatchMatches with the real ORB matcher, on a pair related by a known translation. */
class PatchMatchTopologyTest {

    private static final PatchMatchTopology.Topics TOPICS = PatchMatchTopology.Topics.defaults();
    private static final int SHIFT = 12;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<String, PatchMatches> out;
    private TestOutputTopic<byte[], DeadLetter> dead;

    @BeforeEach
    void start() {
        driver = TestDrivers.start(PatchMatchTopology.build(TOPICS, new FrameIntake(ImageLimits.defaults()),
                io.visionstreams.topology.PairMatchers.classical(io.visionstreams.models.matching.ClassicalMatcher.Kind.ORB,
                io.visionstreams.models.matching.MatchOptions.defaults().withGeometry(io.visionstreams.models.matching.Geometry.Kind.HOMOGRAPHY, 3.0))),
                "match-topology-test", stateDir);
        in = TestDrivers.rawInput(driver, TOPICS.pairs());
        out = TestDrivers.results(driver, TOPICS.matches(), VisionSerdes.patchMatches());
        dead = TestDrivers.deadLetters(driver, TOPICS.deadLetter());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    /** Image b is image a moved left by SHIFT pixels: the true homography is a translation. */
    static StereoPair shiftedPair(String id, long seq) {
        Image[] lr = new SyntheticStereoRig(320, 240, SHIFT, 3L).images(seq);
        Image a = lr[0];
        int w = a.width();
        int h = a.height();
        byte[] b = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = x + SHIFT;
                b[y * w + x] = sx < w ? a.pixels()[y * w + sx] : 0;
            }
        }
        Instant t = Instant.ofEpochMilli(1_700_000_000_000L);
        return StereoPair.newBuilder().setRigId(id).setSequence(seq)
                .setLeft(SyntheticStereoRig.frame(id + "-a", seq, t, a))
                .setRight(SyntheticStereoRig.frame(id + "-b", seq, t, new Image(w, h, 1, b)))
                .build();
    }

    @Test
    void aPairBecomesMatchesConsistentWithTheKnownShiftAndAHomography() {
        in.pipeInput("pair-1".getBytes(StandardCharsets.UTF_8), VisionSerdes.stereoPair().encode(shiftedPair("pair-1", 1)));
        assertTrue(dead.isEmpty(), () -> dead.readValuesToList().toString());
        TestRecord<String, PatchMatches> rec = out.readRecord();
        PatchMatches m = rec.value();
        assertEquals("pair-1", rec.key());
        assertEquals("opencv-orb", m.getModel().getName());
        assertEquals(TOPICS.pairs(), m.getSource().getTopic());
        List<PointMatch> matches = m.getMatches();
        assertTrue(matches.size() >= 20, "matches: " + matches.size());
        long correct = matches.stream().filter(p -> Math.abs(p.getAx() - SHIFT - p.getBx()) < 2 && Math.abs(p.getAy() - p.getBy()) < 2).count();
        long inliersCorrect = matches.stream().filter(PointMatch::getInlier)
                .filter(p -> Math.abs(p.getAx() - SHIFT - p.getBx()) < 3 && Math.abs(p.getAy() - p.getBy()) < 3).count();
        long inliers = matches.stream().filter(PointMatch::getInlier).count();
        assertTrue(correct > 0.8 * matches.size(), correct + " of " + matches.size() + " matches follow the shift");
        assertEquals(inliers, inliersCorrect, "every RANSAC inlier follows the shift");
        assertNotNull(m.getGeometry());
        assertEquals(GeometryKind.HOMOGRAPHY, m.getGeometry().getKind());
        List<Double> hm = m.getGeometry().getMatrix();
        assertEquals(-SHIFT, hm.get(2) / hm.get(8), 1.0, "translation in x: " + hm);
        assertEquals(0, hm.get(5) / hm.get(8), 1.0, "translation in y: " + hm);
        matches.forEach(p -> assertTrue(p.getScore() <= 0, "ORB scores are minus the Hamming distance: " + p.getScore()));
    }

    @Test
    void badPairsAreDeadLetteredAndGoodOnesStillFlow() {
        StereoPair broken = shiftedPair("pair-2", 2);
        broken.getRight().setData(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        in.pipeInput("pair-2".getBytes(StandardCharsets.UTF_8), VisionSerdes.stereoPair().encode(broken));
        in.pipeInput("x".getBytes(StandardCharsets.UTF_8), "garbage".getBytes(StandardCharsets.UTF_8));
        in.pipeInput("pair-3".getBytes(StandardCharsets.UTF_8), VisionSerdes.stereoPair().encode(shiftedPair("pair-3", 3)));
        List<DeadLetter> dl = dead.readValuesToList();
        assertEquals(2, dl.size());
        assertTrue(dl.get(0).getMessage().startsWith("image b (right) of pair pair-2 #2"), dl.get(0).getMessage());
        assertEquals(RejectReasons.AVRO_DECODE_FAILED, dl.get(1).getReason());
        assertEquals(PatchMatchTopology.APPLICATION, dl.get(1).getApplication());
        assertEquals(3, out.readValue().getSource().getSequence());
    }
}
