package io.visionstreams.it;

import static io.visionstreams.it.PipelineHarness.MAX_FRAME_BYTES;
import static io.visionstreams.it.PipelineHarness.client;
import static io.visionstreams.it.PipelineHarness.frame;
import static io.visionstreams.it.PipelineHarness.rawProducer;
import static io.visionstreams.it.PipelineHarness.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.ops.TopologyService;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.StylizedFrame;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.RejectReasons;
import io.visionstreams.topology.StyleTopology;

/** Stylisation through a real (in-JVM KRaft) broker: a few small frames of two sizes, per-record styles, one bad request. */
class StylePipelineIntegrationTest {

    @TempDir
    Path tmp;

    @Test
    void everyFrameGivesOneStylisedFrameOrOneDeadLetter() throws Exception {
        StyleTopology.Topics topics = new StyleTopology.Topics("style-frames", "style-out", "style-dead-letter");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(2 * MAX_FRAME_BYTES), true)) {
            Properties client = client(kafka.bootstrapServers());
            try (Admin admin = Admin.create(client)) {
                TopicAdmin.ensureTopics(admin, topics.specs(2), (short) 1, MAX_FRAME_BYTES);
            }
            StylizerDeployment deployment = StylizerDeployment.open(StylizerDeployment.Settings.defaults()
                    .withRuntime("cpu", 1).withBatching(2, Duration.ofMillis(20)));
            List<String> styles = deployment.stylizer().translator().spec().styles();
            Map<String, StylizedFrame> out = Collections.synchronizedMap(new HashMap<>());
            List<DeadLetter> dead = Collections.synchronizedList(new java.util.ArrayList<>());
            var serde = VisionSerdes.stylizedFrame();
            var dls = VisionSerdes.deadLetter();
            TopologyService.Settings settings = new TopologyService.Settings("it-stylize", 2, tmp, 1, MAX_FRAME_BYTES);
            try (TopologyService service = TopologyService.stylize(client, settings, topics, deployment,
                    StyleSelection.single(styles, styles.get(0)));
                 TopicTail tail = new TopicTail(client, 2 * MAX_FRAME_BYTES, List.of(topics.stylized(), topics.deadLetter()), r -> {
                     if (r.topic().equals(topics.stylized())) {
                         StylizedFrame f = serde.decode(r.value());
                         out.merge(f.getSource().getSourceId() + "#" + f.getSource().getSequence(), f, (a, b) -> {
                             throw new AssertionError("duplicate result " + a.getSource());
                         });
                     } else {
                         dead.add(dls.decode(r.value()));
                     }
                 });
                 KafkaProducer<byte[], byte[]> producer = rawProducer(client)) {
                service.runner().awaitRunning(Duration.ofSeconds(60));
                int[][] sizes = {{96, 64}, {66, 70}};
                int good = 4;
                for (int i = 0; i < good; i++) {
                    int[] wh = sizes[i % 2];
                    String cam = "cam-" + (i % 2);
                    Frame f = frame(cam, i, FrameEncoding.JPEG, wh[0], wh[1],
                            new SyntheticCamera(wh[0], wh[1], i).frame(i).data());
                    if (i > 0) {
                        f.setMetadata(Map.of(StyleTopology.STYLE_KEY, styles.get(i % styles.size())));
                    }
                    send(producer, topics.frames(), cam, VisionSerdes.frame().encode(f));
                }
                Frame bad = frame("cam-0", 99, FrameEncoding.JPEG, 96, 64, new SyntheticCamera(96, 64, 1L).frame(0).data());
                bad.setMetadata(Map.of(StyleTopology.STYLE_KEY, "no_such_style"));
                send(producer, topics.frames(), "cam-0", VisionSerdes.frame().encode(bad));
                producer.flush();

                assertTrue(tail.awaitCount(topics.stylized(), good, Duration.ofSeconds(120)), "results: " + out.keySet());
                assertTrue(tail.awaitCount(topics.deadLetter(), 1, Duration.ofSeconds(30)));
                Thread.sleep(1000); // a duplicate would arrive now
                assertEquals(good, tail.count(topics.stylized()));
                for (int i = 0; i < good; i++) {
                    StylizedFrame f = out.get("cam-" + (i % 2) + "#" + i);
                    assertEquals(sizes[i % 2][0], f.getWidth());
                    assertEquals(sizes[i % 2][1], f.getHeight());
                    assertEquals(Map.of(styles.get(i % styles.size()), 1f), f.getStyleWeights());
                    assertEquals(deployment.model().descriptor().version(), f.getModel().getVersion());
                }
                assertEquals(1, dead.size());
                assertEquals(RejectReasons.UNKNOWN_STYLE, dead.get(0).getReason());
            }
        }
    }
}
