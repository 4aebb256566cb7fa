package io.visionstreams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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

import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.models.stylization.StylizationOptions;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.StylizedFrame;
import io.visionstreams.schema.VisionSerdes;

class StyleTopologyTest {

    private static final StyleTopology.Topics TOPICS = StyleTopology.Topics.defaults();
    private static final long T0 = 1_700_000_000_000L;

    private static StylizerDeployment deployment;
    private static List<String> styles;
    private static StyleSelection defaultStyle;
    private static byte[] jpeg;

    @BeforeAll
    static void openModel() throws Exception {
        deployment = StylizerDeployment.open(StylizerDeployment.Settings.defaults()
                .withRuntime("cpu", 1)
                .withBatching(1, Duration.ofMillis(1))
                .withStylization(new StylizationOptions(0, StylizationOptions.OutputFormat.PNG, 90)));
        styles = deployment.stylizer().translator().spec().styles();
        defaultStyle = StyleSelection.single(styles, styles.get(1));
        jpeg = new SyntheticCamera(70, 66, 3L).frame(0).data(); // neither side a multiple of 4
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
    private TestOutputTopic<String, StylizedFrame> stylized;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;

    @BeforeEach
    void startDriver() {
        driver = TestDrivers.start(StyleTopology.build(TOPICS, new FrameIntake(ImageLimits.defaults()),
                new ModelSlot<>(deployment), defaultStyle), "style-topology-test", stateDir);
        frames = TestDrivers.rawInput(driver, TOPICS.frames());
        stylized = TestDrivers.results(driver, TOPICS.stylized(), VisionSerdes.stylizedFrame());
        deadLetters = TestDrivers.deadLetters(driver, TOPICS.deadLetter());
    }

    @AfterEach
    void stopDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private static byte[] frame(long seq, Map<String, String> metadata) {
        return VisionSerdes.frame().encode(Frame.newBuilder().setSourceId("cam-1").setSequence(seq)
                .setCaptureTimestamp(Instant.ofEpochMilli(T0 + seq)).setEncoding(FrameEncoding.JPEG).setWidth(70)
                .setHeight(66).setData(ByteBuffer.wrap(jpeg)).setMetadata(metadata).build());
    }

    private void send(long seq, Map<String, String> metadata, RecordHeaders headers) {
        frames.pipeInput(new TestRecord<>("cam-1".getBytes(StandardCharsets.UTF_8), frame(seq, metadata), headers,
                Instant.ofEpochMilli(T0 + seq)));
    }

    @Test
    void framesAreStylisedWithTheStyleTheyAskForOrTheDefault() throws Exception {
        send(0, Map.of(), null);
        send(1, Map.of(StyleTopology.STYLE_KEY, styles.get(2)), null);
        send(2, Map.of(StyleTopology.WEIGHTS_KEY, styles.get(0) + "=1," + styles.get(3) + "=3"), null);
        RecordHeaders h = new RecordHeaders();
        h.add(StyleTopology.STYLE_KEY, styles.get(3).getBytes(StandardCharsets.UTF_8));
        send(3, Map.of(), h);
        // the record field wins over the header
        RecordHeaders h2 = new RecordHeaders();
        h2.add(StyleTopology.STYLE_KEY, "no_such_style".getBytes(StandardCharsets.UTF_8));
        send(4, Map.of(StyleTopology.STYLE_KEY, styles.get(0)), h2);

        List<StylizedFrame> out = stylized.readValuesToList();
        assertTrue(deadLetters.isEmpty());
        assertEquals(5, out.size());
        assertEquals(Map.of(styles.get(1), 1f), out.get(0).getStyleWeights());
        assertEquals(Map.of(styles.get(2), 1f), out.get(1).getStyleWeights());
        assertEquals(Map.of(styles.get(0), 0.25f, styles.get(3), 0.75f), out.get(2).getStyleWeights());
        assertEquals(Map.of(styles.get(3), 1f), out.get(3).getStyleWeights());
        assertEquals(Map.of(styles.get(0), 1f), out.get(4).getStyleWeights());
        for (int i = 0; i < out.size(); i++) {
            StylizedFrame f = out.get(i);
            assertEquals(i, f.getSource().getSequence());
            assertEquals("cam-1", f.getSource().getSourceId());
            assertEquals(deployment.model().descriptor().name(), f.getModel().getName());
            assertEquals(deployment.model().descriptor().version(), f.getModel().getVersion());
            assertEquals(FrameEncoding.PNG, f.getEncoding());
            assertEquals(70, f.getWidth());
            assertEquals(66, f.getHeight());
            assertTrue(f.getLatency().getInferMicros() > 0);
            assertEquals(1, f.getLatency().getBatchSize());
            byte[] png = new byte[f.getData().remaining()];
            f.getData().duplicate().get(png);
            assertEquals(70, ImageCodec.decodeRgb(FrameEncoding.PNG, png, 70, 66, ImageLimits.defaults()).width());
        }
    }

    @Test
    void badStyleRequestsGoToTheDeadLetterTopicWithTheReason() {
        send(10, Map.of(StyleTopology.STYLE_KEY, "no_such_style"), null);
        send(11, Map.of(StyleTopology.WEIGHTS_KEY, styles.get(0) + "=-1"), null);
        send(12, Map.of(StyleTopology.WEIGHTS_KEY, "0,0,0,0".substring(0, 2 * styles.size() - 1)), null);
        send(13, Map.of(StyleTopology.WEIGHTS_KEY, "1,2,3,4,5,6,7,8,9".substring(0, 2 * styles.size() + 1)), null);
        send(14, Map.of(StyleTopology.STYLE_KEY, styles.get(0), StyleTopology.WEIGHTS_KEY, styles.get(0) + "=1"), null);
        RecordHeaders h = new RecordHeaders();
        h.add(StyleTopology.WEIGHTS_KEY, "picasso=1".getBytes(StandardCharsets.UTF_8));
        send(15, Map.of(), h);
        frames.pipeInput("cam-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});

        assertTrue(stylized.isEmpty());
        List<DeadLetter> dead = deadLetters.readValuesToList();
        assertEquals(List.of(RejectReasons.UNKNOWN_STYLE, RejectReasons.BAD_STYLE_WEIGHTS,
                        RejectReasons.BAD_STYLE_WEIGHTS, RejectReasons.BAD_STYLE_WEIGHTS, RejectReasons.BAD_STYLE_WEIGHTS,
                        RejectReasons.UNKNOWN_STYLE, RejectReasons.AVRO_DECODE_FAILED),
                dead.stream().map(DeadLetter::getReason).toList());
        assertTrue(dead.get(0).getMessage().contains("no_such_style"), dead.get(0).getMessage());
        assertEquals(StyleTopology.APPLICATION, dead.get(0).getApplication());
        assertTrue(dead.get(0).getOriginalValue().remaining() > 0, "the original frame is kept for replay");
    }

    @Test
    void aRecordCanAskForItsOwnDownscaleAndBadScalesAreDeadLettered() throws Exception {
        send(20, Map.of(StyleTopology.SCALE_KEY, "0.5"), null);
        RecordHeaders h = new RecordHeaders();
        h.add(StyleTopology.SCALE_KEY, "0.25".getBytes(StandardCharsets.UTF_8));
        send(21, Map.of(), h);
        send(22, Map.of(StyleTopology.SCALE_KEY, "2"), null);
        send(23, Map.of(StyleTopology.SCALE_KEY, "half"), null);
        send(24, Map.of(StyleTopology.SCALE_KEY, "0"), null);

        List<StylizedFrame> out = stylized.readValuesToList();
        assertEquals(2, out.size());
        for (StylizedFrame f : out) { // stylised small, delivered at the frame's size
            assertEquals(70, f.getWidth());
            assertEquals(66, f.getHeight());
        }
        assertEquals(List.of(RejectReasons.BAD_STYLE_SCALE, RejectReasons.BAD_STYLE_SCALE, RejectReasons.BAD_STYLE_SCALE),
                deadLetters.readValuesToList().stream().map(DeadLetter::getReason).toList());
    }

    @Test
    void scaleComesFromMetadataThenHeaderThenDeployment() throws Exception {
        RecordHeaders h = new RecordHeaders();
        h.add(StyleTopology.SCALE_KEY, "0.25".getBytes(StandardCharsets.UTF_8));
        assertEquals(0.5, StyleTopology.scaleOf(Map.of(StyleTopology.SCALE_KEY, "0.5"), h, 1.0));
        assertEquals(0.25, StyleTopology.scaleOf(Map.of(), h, 1.0));
        assertEquals(0.75, StyleTopology.scaleOf(null, null, 0.75));
    }
}
