package io.visionstreams.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.ingest.SyntheticStereoRig;
import io.visionstreams.schema.Calibration;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.DisparityMap;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.classical.SgbmDisparityEstimator;

/** Pairing semantics and the stereo path, with the real SGBM estimator on small synthetic pairs. */
class StereoTopologyTest {

    private static final StereoTopology.Topics TOPICS = StereoTopology.Topics.defaults();
    private static final int W = 96;
    private static final int H = 48;
    private static final int D = 6;
    private static final long T0 = 1_700_000_000_000L;
    private static final Duration WINDOW = Duration.ofMillis(500);
    private static final SyntheticStereoRig RIG = new SyntheticStereoRig(W, H, D, 5L);

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> pairs;
    private TestInputTopic<byte[], byte[]> left;
    private TestInputTopic<byte[], byte[]> right;
    private TestOutputTopic<String, DisparityMap> maps;
    private TestOutputTopic<byte[], DeadLetter> dead;

    private void start(StereoTopology.Options options) {
        start(options, new SgbmDisparityEstimator());
    }

    private void start(StereoTopology.Options options, DisparityEstimator estimator) {
        driver = TestDrivers.start(StereoTopology.build(TOPICS, options, new FrameIntake(ImageLimits.defaults()),
                estimator), "stereo-topology-test", stateDir);
        pairs = TestDrivers.rawInput(driver, TOPICS.pairs());
        left = TestDrivers.rawInput(driver, TOPICS.left());
        right = TestDrivers.rawInput(driver, TOPICS.right());
        maps = TestDrivers.results(driver, TOPICS.disparity(), VisionSerdes.disparityMap());
        dead = TestDrivers.deadLetters(driver, TOPICS.deadLetter());
    }

    private void start() {
        start(StereoTopology.Options.defaults().withMaxDisparity(16).withPairWindow(WINDOW));
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** A left or right half of synthetic pair {@code seq} as raw Frame bytes, rig in metadata, rectified. */
    private static byte[] half(String rig, long seq, boolean isLeft) {
        StereoPair p = RIG.pair(rig, seq, Instant.ofEpochMilli(T0 + seq));
        Frame f = isLeft ? p.getLeft() : p.getRight();
        Map<String, String> md = new HashMap<>(f.getMetadata());
        md.put(StereoHalves.RIG, rig);
        md.put(StereoHalves.RECTIFIED, "true");
        md.put(StereoHalves.FOCAL_LENGTH_PX, "96");
        md.put(StereoHalves.BASELINE_M, "0.1");
        f.setMetadata(md);
        return VisionSerdes.frame().encode(f);
    }

    private void pipeHalf(boolean isLeft, String rig, long seq, long ts) {
        (isLeft ? left : right).pipeInput(utf8(rig + (isLeft ? "-l" : "-r")), half(rig, seq, isLeft), Instant.ofEpochMilli(ts));
    }

    private double metric(String name) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : driver.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().contains(StereoPairing.METRIC_SCOPE)) {
                sum += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }

    /** Median of the decoded disparity over valid pixels of the background (outside the square). */
    private static float[] decoded(DisparityMap m) throws Exception {
        int[] wh = new int[2];
        float[] d = io.visionstreams.models.stereo.DisparityPng.fromUnsigned16(ImageCodec.decodePng16(bytes(m.getDisparityPng()), wh), 256);
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] > 0 ? d[i] : Float.NaN; // PNG value 0 = invalid
        }
        return d;
    }

    @Test
    void aStereoPairRecordBecomesOneDisparityMapWithTheKnownDisparity() throws Exception {
        start();
        StereoPair p = RIG.pair("rig-1", 7, Instant.ofEpochMilli(T0));
        pairs.pipeInput(utf8("rig-1"), VisionSerdes.stereoPair().encode(p), Instant.ofEpochMilli(T0));

        assertTrue(dead.isEmpty(), () -> dead.readValuesToList().toString());
        TestRecord<String, DisparityMap> rec = maps.readRecord();
        DisparityMap m = rec.value();
        assertEquals("rig-1", rec.key());
        assertEquals("rig-1", m.getSource().getSourceId());
        assertEquals(7, m.getSource().getSequence());
        assertEquals(TOPICS.pairs(), m.getSource().getTopic());
        assertEquals(SgbmDisparityEstimator.NAME, m.getModel().getName());
        assertEquals(W, m.getWidth());
        assertEquals(H, m.getHeight());
        assertEquals(16, m.getMaxDisparity());
        assertNull(m.getConfidencePng(), "SGBM has no confidence");
        assertNotNull(m.getDepthPng(), "calibration with focal length and baseline gives depth");
        float[] d = decoded(m);
        int good = 0;
        int valid = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                float v = d[y * W + x];
                if (Float.isFinite(v)) {
                    valid++;
                    if (Math.abs(v - RIG.trueDisparity(x, y)) <= 1f) {
                        good++;
                    }
                }
            }
        }
        assertEquals(valid / (float) (W * H), m.getDensity(), 1e-6f);
        assertTrue(m.getDensity() > 0.5f, "density " + m.getDensity());
        assertTrue(good > 0.9 * valid, good + " of " + valid + " valid pixels within 1 px of the truth");
        assertTrue(m.getLatency().getInferMicros() > 0);
    }

    @Test
    void theCnnMatcherServesPairsWithItsModelNameAndAConfidenceMap() throws Exception {
        io.visionstreams.models.LoadedModel model = io.visionstreams.models.ModelZoo.resolve(
                io.visionstreams.models.stereo.StereoMatcher.DEFAULT_MODEL);
        io.visionstreams.inference.OnnxRuntimeBackend rt = new io.visionstreams.inference.OnnxRuntimeBackend(1, 1);
        start(StereoTopology.Options.defaults().withMaxDisparity(16).withPairWindow(WINDOW),
                new io.visionstreams.topology.cnn.CnnDisparityEstimator(rt.open(model.source()), model.descriptor(),
                        io.visionstreams.models.stereo.StereoOptions::defaults, rt));
        StereoPair p = RIG.pair("rig-1", 3, Instant.ofEpochMilli(T0));
        pairs.pipeInput(utf8("rig-1"), VisionSerdes.stereoPair().encode(p), Instant.ofEpochMilli(T0));

        assertTrue(dead.isEmpty(), () -> dead.readValuesToList().toString());
        DisparityMap m = maps.readValue();
        assertEquals(model.descriptor().name(), m.getModel().getName());
        assertNotNull(m.getConfidencePng(), "the CNN matcher reports confidence");
        float[] d = decoded(m);
        int good = 0;
        int valid = 0;
        for (int y = 0; y < H; y++) {
            for (int x = D + 2; x < W; x++) { // the left border has no match in the right view
                float v = d[y * W + x];
                if (Float.isFinite(v)) {
                    valid++;
                    good += Math.abs(v - RIG.trueDisparity(x, y)) <= 1f ? 1 : 0;
                }
            }
        }
        assertTrue(m.getDensity() > 0.5f, "density " + m.getDensity());
        assertTrue(good > 0.8 * valid, good + " of " + valid + " valid pixels within 1 px of the truth");
    }

    @Test
    void halvesPairInOrderAndOutOfOrderWithinTheWindow() {
        start();
        pipeHalf(true, "rig-a", 1, T0);
        pipeHalf(false, "rig-a", 1, T0 + 10);       // in order
        pipeHalf(false, "rig-a", 2, T0 + 40);       // right first
        pipeHalf(false, "rig-b", 1, T0 + 45);       // another rig interleaved
        pipeHalf(true, "rig-a", 2, T0 + 300);       // its left, 260 ms later: inside the 500 ms window
        pipeHalf(true, "rig-b", 1, T0 + 310);

        assertTrue(dead.isEmpty(), () -> dead.readValuesToList().toString());
        List<DisparityMap> out = maps.readValuesToList();
        assertEquals(List.of("rig-a#1", "rig-a#2", "rig-b#1"),
                out.stream().map(m -> m.getSource().getSourceId() + "#" + m.getSource().getSequence()).toList());
        for (DisparityMap m : out) {
            assertEquals(TOPICS.left(), m.getSource().getTopic(), "provenance: the left half's topic");
            assertTrue(m.getSource().getOffset() >= 0);
            assertTrue(m.getDensity() > 0.5f);
            assertNotNull(m.getDepthPng(), "calibration from the halves' metadata");
        }
        assertEquals(3.0, metric("paired-total"));
    }

    @Test
    void aHalfWithoutPartnerIsDeadLetteredOnceTheWindowPassesAndCounted() {
        start();
        byte[] lonely = half("rig-a", 1, true);
        left.pipeInput(utf8("cam-l"), lonely, Instant.ofEpochMilli(T0));
        assertTrue(dead.isEmpty(), "still inside its window");
        // other pairs move stream time past T0 + window
        pipeHalf(true, "rig-b", 1, T0 + 400);
        pipeHalf(false, "rig-b", 1, T0 + 400);
        assertTrue(dead.isEmpty(), "still inside its window at T0 + 400");
        pipeHalf(true, "rig-b", 2, T0 + 1600);
        pipeHalf(false, "rig-b", 2, T0 + 1600);

        List<TestRecord<byte[], DeadLetter>> dl = dead.readRecordsToList();
        assertEquals(1, dl.size(), dl.toString());
        DeadLetter d = dl.get(0).value();
        assertEquals(RejectReasons.UNPAIRED_HALF, d.getReason());
        assertTrue(d.getMessage().contains("left half of rig rig-a #1") && d.getMessage().contains("no right half"),
                d.getMessage());
        assertEquals(TOPICS.left(), d.getSourceTopic(), "provenance survives the repartition");
        assertEquals(0, d.getSourceOffset());
        assertEquals(T0, d.getSourceTimestamp());
        assertArrayEquals(utf8("cam-l"), dl.get(0).key(), "original key");
        assertArrayEquals(lonely, bytes(d.getOriginalValue()), "original bytes");
        assertEquals(2, maps.readValuesToList().size(), "the complete pairs still flow");
        assertEquals(1.0, metric("unpaired-half-total"));
    }

    @Test
    void aDuplicateHalfIsReportedAndNeverPairedTwice() {
        start();
        pipeHalf(true, "rig-a", 1, T0);
        pipeHalf(true, "rig-a", 1, T0 + 5);   // duplicate while pending
        pipeHalf(false, "rig-a", 1, T0 + 10); // pairs with the first
        pipeHalf(false, "rig-a", 1, T0 + 20); // duplicate after the pair was emitted
        pipeHalf(true, "rig-a", 1, T0 + 30);  // and again

        assertEquals(1, maps.readValuesToList().size(), "exactly one pair");
        List<DeadLetter> dl = dead.readValuesToList();
        assertEquals(3, dl.size(), dl.toString());
        dl.forEach(d -> assertEquals(RejectReasons.DUPLICATE_HALF, d.getReason(), d.getMessage()));
        assertTrue(dl.get(0).getMessage().contains("still waiting"), dl.get(0).getMessage());
        assertTrue(dl.get(1).getMessage().contains("already paired"), dl.get(1).getMessage());
        assertEquals(3.0, metric("duplicate-half-total"));
    }

    @Test
    void aLateHalfIsReportedNotDropped() {
        start();
        pipeHalf(true, "rig-a", 1, T0);
        pipeHalf(true, "rig-z", 9, T0 + 2000);  // advances stream time: rig-a #1 left expires
        pipeHalf(false, "rig-a", 1, T0 + 2010); // its partner, too late
        // partner arrives before the punctuator ran, but far outside the window
        pipeHalf(true, "rig-c", 1, T0 + 2020);
        pipeHalf(false, "rig-c", 1, T0 + 2900);

        assertTrue(maps.isEmpty());
        Map<String, String> reasons = new HashMap<>();
        for (DeadLetter d : dead.readValuesToList()) {
            reasons.merge(d.getReason(), d.getMessage(), (a, b) -> a + " | " + b);
        }
        assertTrue(reasons.get(RejectReasons.LATE_HALF).contains("right half of rig rig-a #1"), reasons.toString());
        assertTrue(reasons.get(RejectReasons.LATE_HALF).contains("right half of rig rig-c #1"), reasons.toString());
        assertTrue(reasons.get(RejectReasons.UNPAIRED_HALF).contains("rig rig-a #1"), reasons.toString());
        assertTrue(reasons.get(RejectReasons.UNPAIRED_HALF).contains("rig rig-c #1"), reasons.toString());
        assertEquals(2.0, metric("late-half-total"));
    }

    @Test
    void unrectifiedPairsAreRefusedUnlessTheDeploymentGuaranteesRectification() {
        start();
        StereoPair noCalibration = RIG.pair("rig-1", 1, Instant.ofEpochMilli(T0));
        noCalibration.setCalibration(null);
        StereoPair notRectified = RIG.pair("rig-1", 2, Instant.ofEpochMilli(T0));
        notRectified.setCalibration(Calibration.newBuilder().setFocalLengthPx(96).setBaselineM(0.1).setRectified(false).build());
        pairs.pipeInput(utf8("rig-1"), VisionSerdes.stereoPair().encode(noCalibration));
        pairs.pipeInput(utf8("rig-1"), VisionSerdes.stereoPair().encode(notRectified));
        assertTrue(maps.isEmpty());
        List<DeadLetter> dl = dead.readValuesToList();
        assertEquals(2, dl.size());
        dl.forEach(d -> assertEquals(RejectReasons.UNRECTIFIED_PAIR, d.getReason()));
        assertTrue(dl.get(0).getMessage().contains("no calibration"), dl.get(0).getMessage());
        assertTrue(dl.get(1).getMessage().contains("rectified=false"), dl.get(1).getMessage());

        driver.close();
        start(StereoTopology.Options.defaults().withMaxDisparity(16).withAssumeRectified(true));
        pairs.pipeInput(utf8("rig-1"), VisionSerdes.stereoPair().encode(noCalibration));
        DisparityMap m = maps.readValue();
        assertNull(m.getDepthPng(), "no calibration, no depth");
        assertTrue(dead.isEmpty());
    }

    @Test
    void badImagesAndSizeMismatchAreDeadLetteredWithTheirReason() {
        start();
        StereoPair truncated = RIG.pair("rig-1", 1, Instant.ofEpochMilli(T0));
        byte[] png = bytes(truncated.getRight().getData());
        truncated.getRight().setData(ByteBuffer.wrap(Arrays.copyOf(png, png.length / 2)));
        StereoPair mismatch = RIG.pair("rig-1", 2, Instant.ofEpochMilli(T0));
        Image small = new Image(W / 2, H, 1, new byte[W / 2 * H]);
        mismatch.setRight(SyntheticStereoRig.frame("rig-1-right", 2, Instant.ofEpochMilli(T0), small));
        byte[] notAvro = utf8("not a stereo pair");

        pairs.pipeInput(utf8("rig-1"), VisionSerdes.stereoPair().encode(truncated));
        pairs.pipeInput(utf8("rig-1"), VisionSerdes.stereoPair().encode(mismatch));
        pairs.pipeInput(utf8("rig-1"), notAvro);
        left.pipeInput(utf8("cam-l"), notAvro);
        pairs.pipeInput(utf8("rig-1"), VisionSerdes.stereoPair().encode(RIG.pair("rig-1", 3, Instant.ofEpochMilli(T0))));

        List<DeadLetter> dl = dead.readValuesToList();
        assertEquals(List.of(RejectReasons.TRUNCATED_IMAGE, RejectReasons.PAIR_SIZE_MISMATCH, RejectReasons.AVRO_DECODE_FAILED,
                RejectReasons.AVRO_DECODE_FAILED), dl.stream().map(DeadLetter::getReason).toList());
        assertTrue(dl.get(0).getMessage().startsWith("right image of stereo pair rig-1 #1"), dl.get(0).getMessage());
        assertTrue(dl.get(1).getMessage().contains("48x48"), dl.get(1).getMessage());
        assertEquals(TOPICS.left(), dl.get(3).getSourceTopic());
        assertTrue(dl.get(3).getMessage().startsWith("left half"), dl.get(3).getMessage());
        assertArrayEquals(notAvro, bytes(dl.get(2).getOriginalValue()));
        assertEquals(3, maps.readValue().getSource().getSequence(), "a good pair after the bad ones still flows");
    }
}
