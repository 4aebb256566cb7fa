package io.visionstreams.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.Set;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.ingest.EncodedFrame;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.models.detection.DetectionOptions;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.ClassExplanation;
import io.visionstreams.schema.Detection;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.VisionSerdes;

class DetectionTopologyTest {

    private static final DetectionTopology.Topics TOPICS = DetectionTopology.Topics.defaults();
    private static final int W = 640;
    private static final int H = 480;
    /** Small limits so FRAME_TOO_LARGE is reachable with cheap frames; a 640x480 JPEG fits them exactly. */
    private static final ImageLimits LIMITS = new ImageLimits(600_000, 800, 800, (long) W * H);
    private static final long T0 = 1_700_000_000_000L;
    private static final int MAX_DETECTIONS = 25;

    private static DetectorDeployment deployment;
    private static List<byte[]> jpegs;
    private static byte[] wideJpeg;
    private static byte[] png;

    @BeforeAll
    static void openModel() throws Exception {
        // batch 1 and 1 ms: the test driver has one thread, so waiting for company would only add delay.
        // The untrained stub scores below the default 0.25, so threshold 0 gives boxes whose mapping can be checked.
        deployment = DetectorDeployment.open(DetectorDeployment.Settings.defaults()
                .withBatching(1, Duration.ofMillis(1))
                .withDetection(new DetectionOptions(0f, 0.5f, MAX_DETECTIONS)));
        SyntheticCamera cam = new SyntheticCamera(W, H, 11L);
        jpegs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            EncodedFrame f = cam.frame(i);
            assertEquals(FrameEncoding.JPEG, f.encoding());
            assertTrue(f.data().length < LIMITS.maxBytes(), "test frame must fit the intake limits");
            jpegs.add(f.data());
        }
        wideJpeg = new SyntheticCamera(1024, 64, 2L).frame(0).data();
        Image img = ImageCodec.decodeRgb(FrameEncoding.JPEG, jpegs.get(0), W, H, ImageLimits.defaults());
        png = ImageCodec.encodePng(img);
    }

    @AfterAll
    static void closeModel() {
        if (deployment != null) {
            deployment.close();
        }
    }

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> frames;
    private TestOutputTopic<String, Detections> detections;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;

    @BeforeEach
    void startDriver() {
        driver = TestDrivers.start(DetectionTopology.build(TOPICS, new FrameIntake(LIMITS), new ModelSlot<>(deployment)),
                "detection-topology-test", stateDir);
        frames = TestDrivers.rawInput(driver, TOPICS.frames());
        detections = TestDrivers.results(driver, TOPICS.detections(), VisionSerdes.detections());
        deadLetters = TestDrivers.deadLetters(driver, TOPICS.deadLetter());
    }

    @AfterEach
    void stopDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private static byte[] frame(String source, long seq, FrameEncoding enc, int w, int h, byte[] data) {
        return frame(source, seq, enc, w, h, data, Map.of());
    }

    private static byte[] frame(String source, long seq, FrameEncoding enc, int w, int h, byte[] data,
                                Map<String, String> metadata) {
        Frame f = Frame.newBuilder()
                .setSourceId(source)
                .setSequence(seq)
                .setCaptureTimestamp(Instant.ofEpochMilli(T0 + seq * 40))
                .setEncoding(enc)
                .setWidth(w)
                .setHeight(h)
                .setData(ByteBuffer.wrap(data))
                .setMetadata(new java.util.HashMap<>(metadata))
                .build();
        return VisionSerdes.frame().serialize(TOPICS.frames(), f);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void everyGoodFrameBecomesOneDetectionsRecordInOrder() {
        int n = 6;
        String[] sources = {"cam-a", "cam-b"};
        for (int i = 0; i < n; i++) {
            String src = sources[i % 2];
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", utf8("t" + i));
            frames.pipeInput(new TestRecord<>(utf8(src), frame(src, i, FrameEncoding.JPEG, W, H,
                    jpegs.get(i % jpegs.size())), headers, Instant.ofEpochMilli(T0 + i)));
        }

        List<TestRecord<String, Detections>> out = detections.readRecordsToList();
        assertTrue(deadLetters.isEmpty(), "no good frame may be dead-lettered");
        assertEquals(n, out.size());
        for (int i = 0; i < n; i++) {
            TestRecord<String, Detections> rec = out.get(i);
            Detections d = rec.value();
            assertEquals(sources[i % 2], rec.key(), "keyed by sourceId");
            assertEquals(T0 + i, rec.timestamp(), "input timestamp carried over");
            assertEquals("t" + i, new String(rec.headers().lastHeader("trace").value(), StandardCharsets.UTF_8));

            assertEquals(sources[i % 2], d.getSource().getSourceId());
            assertEquals(i, d.getSource().getSequence(), "order kept");
            assertEquals(Instant.ofEpochMilli(T0 + i * 40L), d.getSource().getCaptureTimestamp());
            assertEquals(TOPICS.frames(), d.getSource().getTopic());
            assertEquals(0, d.getSource().getPartition());
            assertEquals(i, d.getSource().getOffset());

            assertEquals("detector-student", d.getModel().getName());
            assertEquals("1", d.getModel().getVersion());
            assertEquals("onnxruntime-cpu", d.getModel().getRuntime());
            assertEquals("detector-student:1", d.getModel().getName() + ":" + d.getModel().getVersion());

            assertEquals(1, d.getLatency().getBatchSize());
            assertTrue(d.getLatency().getDecodeMicros() > 0, "decode time recorded");
            assertTrue(d.getLatency().getInferMicros() > 0, "inference time recorded");
            assertTrue(d.getLatency().getQueueMicros() >= 0);
            assertTrue(d.getLatency().getPreMicros() >= 0 && d.getLatency().getPostMicros() >= 0);

            assertEquals(W, d.getImageWidth());
            assertEquals(H, d.getImageHeight());
            assertTrue(!d.getDetections().isEmpty() && d.getDetections().size() <= MAX_DETECTIONS,
                    "threshold 0 must give boxes, at most " + MAX_DETECTIONS + ": " + d.getDetections().size());
            for (Detection det : d.getDetections()) {
                assertTrue(SyntheticCamera.LABELS.contains(det.getLabel()), det.toString());
                assertEquals(SyntheticCamera.LABELS.get(det.getClassId()), det.getLabel());
                assertTrue(det.getScore() >= 0f && det.getScore() <= 1f, det.toString());
                assertTrue(0 <= det.getX1() && det.getX1() < det.getX2() && det.getX2() <= W, det.toString());
                assertTrue(0 <= det.getY1() && det.getY1() < det.getY2() && det.getY2() <= H, det.toString());
            }
        }
    }

    /** One bad input: its key, value and the reason it must be dead-lettered with. */
    private record Bad(String what, byte[] key, byte[] value, String reason) {
    }

    @Test
    void everyBadInputIsDeadLetteredWithItsReasonAndOriginalBytesAndTheAppKeepsRunning() {
        byte[] jpeg = jpegs.get(0);
        byte[] noise = new byte[4096];
        new Random(99).nextBytes(noise);
        noise[0] = 0x00; // neither JPEG nor PNG magic
        byte[] notAFrame = VisionSerdes.deadLetter().serialize(TOPICS.deadLetter(), DeadLetter.newBuilder()
                .setReason("X").setMessage("x").setApplication("other").setSourceTopic("t").setSourcePartition(0)
                .setSourceOffset(0).setSourceTimestamp(0).setFailedAt(Instant.EPOCH).setHeaders(Map.of()).build());

        List<Bad> bad = List.of(
                new Bad("tombstone", utf8("cam"), null, RejectReasons.NULL_VALUE),
                new Bad("plain text", utf8("cam"), utf8("this is not avro"), RejectReasons.AVRO_DECODE_FAILED),
                new Bad("other Avro record type", null, notAFrame, RejectReasons.AVRO_DECODE_FAILED),
                new Bad("empty image", utf8("cam"), frame("cam", 1, FrameEncoding.JPEG, W, H, new byte[0]),
                        RejectReasons.EMPTY_FRAME),
                new Bad("truncated JPEG", utf8("cam"), frame("cam", 2, FrameEncoding.JPEG, W, H,
                        Arrays.copyOf(jpeg, jpeg.length / 2)), RejectReasons.TRUNCATED_IMAGE),
                new Bad("noise labelled JPEG", utf8("cam"), frame("cam", 3, FrameEncoding.JPEG, W, H, noise),
                        RejectReasons.UNDECODABLE_IMAGE),
                new Bad("PNG labelled JPEG", utf8("cam"), frame("cam", 4, FrameEncoding.JPEG, W, H, png),
                        RejectReasons.UNKNOWN_ENCODING),
                new Bad("UNKNOWN encoding", utf8("cam"), frame("cam", 5, FrameEncoding.UNKNOWN, W, H, jpeg),
                        RejectReasons.UNKNOWN_ENCODING),
                new Bad("raw RGB of the wrong length", utf8("cam"), frame("cam", 6, FrameEncoding.RAW_RGB8, 16, 16,
                        new byte[100]), RejectReasons.WRONG_DIMENSIONS),
                new Bad("raw RGB without a size", utf8("cam"), frame("cam", 7, FrameEncoding.RAW_RGB8, 0, 0,
                        new byte[768]), RejectReasons.WRONG_DIMENSIONS),
                new Bad("JPEG declared at another size", utf8("cam"), frame("cam", 8, FrameEncoding.JPEG, 320, 240, jpeg),
                        RejectReasons.WRONG_DIMENSIONS),
                new Bad("JPEG wider than the limits", utf8("cam"), frame("cam", 9, FrameEncoding.JPEG, 0, 0, wideJpeg),
                        RejectReasons.FRAME_TOO_LARGE),
                new Bad("payload over maxBytes", utf8("cam"), frame("cam", 10, FrameEncoding.RAW_RGB8, W, H,
                        new byte[W * H * 3]), RejectReasons.FRAME_TOO_LARGE),
                new Bad("declared size over the limits", utf8("cam"), frame("cam", 11, FrameEncoding.JPEG, 4000, 4000,
                        jpeg), RejectReasons.FRAME_TOO_LARGE));

        for (int i = 0; i < bad.size(); i++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("case", utf8(bad.get(i).what()));
            frames.pipeInput(new TestRecord<>(bad.get(i).key(), bad.get(i).value(), headers,
                    Instant.ofEpochMilli(T0 + i)));
        }
        // after all of that, a good frame is still processed
        frames.pipeInput(utf8("cam"), frame("cam", 99, FrameEncoding.JPEG, W, H, jpeg), Instant.ofEpochMilli(T0 + 99));

        List<TestRecord<byte[], DeadLetter>> dead = deadLetters.readRecordsToList();
        List<TestRecord<String, Detections>> ok = detections.readRecordsToList();
        assertEquals(bad.size() + 1, dead.size() + ok.size(), "nothing dropped");
        assertEquals(bad.size(), dead.size());
        for (int i = 0; i < bad.size(); i++) {
            Bad b = bad.get(i);
            TestRecord<byte[], DeadLetter> rec = dead.get(i);
            DeadLetter dl = rec.value();
            assertEquals(b.reason(), dl.getReason(), b.what() + ": " + dl.getMessage());
            assertTrue(dl.getMessage() != null && !dl.getMessage().isBlank(), b.what());
            assertEquals(DetectionTopology.APPLICATION, dl.getApplication());
            assertEquals(TOPICS.frames(), dl.getSourceTopic(), b.what());
            assertEquals(0, dl.getSourcePartition(), b.what());
            assertEquals(i, dl.getSourceOffset(), b.what());
            assertEquals(T0 + i, dl.getSourceTimestamp(), b.what());
            assertNotNull(dl.getFailedAt());
            assertArrayEquals(b.key(), rec.key(), b.what() + ": record key");
            assertArrayEquals(b.key(), bytes(dl.getOriginalKey()), b.what() + ": original key");
            if (b.value() == null) {
                assertNull(dl.getOriginalValue(), b.what());
            } else {
                assertArrayEquals(b.value(), bytes(dl.getOriginalValue()), b.what() + ": original value");
            }
            assertEquals(b.what(), dl.getHeaders().get("case"), "headers kept");
        }

        assertEquals(1, ok.size(), "the good frame after the bad ones");
        Detections d = ok.get(0).value();
        assertEquals("cam", ok.get(0).key());
        assertEquals(99, d.getSource().getSequence());
        assertEquals(bad.size(), d.getSource().getOffset());
        assertEquals(W, d.getImageWidth());
    }

    @Test
    void theSameFrameGivesTheSameDetections() {
        // the stub is deterministic: a replay must not depend on what ran before (no state leaks between records)
        byte[] value = frame("cam", 1, FrameEncoding.JPEG, W, H, jpegs.get(2));
        frames.pipeInput(utf8("cam"), value);
        frames.pipeInput(utf8("cam"), frame("cam", 2, FrameEncoding.JPEG, W, H, jpegs.get(3)));
        frames.pipeInput(utf8("cam"), value);
        List<Detections> out = detections.readValuesToList();
        assertEquals(3, out.size());
        assertTrue(!out.get(0).getDetections().isEmpty());
        assertEquals(out.get(0).getDetections(), out.get(2).getDetections());
    }

    /**
     * Explanations are per record: a header or a metadata key switches them on, and the header can
     * switch off what the metadata asked for. An explained record carries one map per detected class (not one per
     * detection), each a gray PNG of the frame's size with a weakly supervised box inside the frame; others carry none.
     */
    @Test
    void explanationsArePerRecordOnePerClassAndAlignedToTheFrame() throws Exception {
        RecordHeaders on = new RecordHeaders();
        on.add(DetectionTopology.EXPLAIN_KEY, utf8("true"));
        RecordHeaders off = new RecordHeaders();
        off.add(DetectionTopology.EXPLAIN_KEY, utf8("false"));
        frames.pipeInput(new TestRecord<>(utf8("cam"), frame("cam", 0, FrameEncoding.JPEG, W, H, jpegs.get(0)), on));
        frames.pipeInput(utf8("cam"), frame("cam", 1, FrameEncoding.JPEG, W, H, jpegs.get(0)));
        frames.pipeInput(utf8("cam"), frame("cam", 2, FrameEncoding.JPEG, W, H, jpegs.get(0), Map.of("explain", "yes")));
        frames.pipeInput(new TestRecord<>(utf8("cam"),
                frame("cam", 3, FrameEncoding.JPEG, W, H, jpegs.get(0), Map.of("explain", "true")), off));
        List<Detections> out = detections.readValuesToList();
        assertEquals(4, out.size());
        boolean[] expected = {true, false, true, false};
        for (int i = 0; i < 4; i++) {
            List<Detection> ds = out.get(i).getDetections();
            List<ClassExplanation> ex = out.get(i).getExplanations();
            assertFalse(ds.isEmpty(), "threshold 0 gives detections to explain");
            if (!expected[i]) {
                assertTrue(ex.isEmpty(), "frame " + i + " has no explanations");
                continue;
            }
            Set<Integer> detected = new TreeSet<>();
            ds.forEach(d -> detected.add(d.getClassId()));
            List<Integer> explained = ex.stream().map(ClassExplanation::getClassId).toList();
            assertEquals(List.copyOf(detected), explained, "frame " + i + ": one map per detected class, in class order");
            assertTrue(ds.size() > ex.size(), "several detections share their class's map");
            for (ClassExplanation c : ex) {
                assertEquals(ds.stream().filter(d -> d.getClassId() == c.getClassId()).findFirst().orElseThrow()
                        .getLabel(), c.getLabel());
                byte[] pngBytes = new byte[c.getHeatmapPng().remaining()];
                c.getHeatmapPng().duplicate().get(pngBytes);
                Image heat = ImageCodec.decodeGray(FrameEncoding.PNG, pngBytes, 0, 0, ImageLimits.defaults());
                assertEquals(W, heat.width());
                assertEquals(H, heat.height());
                int max = 0;
                for (byte b : heat.pixels()) {
                    max = Math.max(max, b & 0xff);
                }
                if (c.getWeakBox() != null) {
                    assertEquals(255, max, "scaled to the map's maximum");
                    List<Float> box = c.getWeakBox();
                    assertEquals(4, box.size());
                    assertTrue(box.get(0) >= 0 && box.get(2) <= W && box.get(0) < box.get(2), "weakBox x in frame: " + box);
                    assertTrue(box.get(1) >= 0 && box.get(3) <= H && box.get(1) < box.get(3), "weakBox y in frame: " + box);
                }
            }
        }
    }
}
