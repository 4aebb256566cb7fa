package io.visionstreams.it;

import static io.visionstreams.it.PipelineHarness.MAX_FRAME_BYTES;
import static io.visionstreams.it.PipelineHarness.client;
import static io.visionstreams.it.PipelineHarness.rawProducer;
import static io.visionstreams.it.PipelineHarness.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.ingest.SyntheticStereoRig;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.ops.TopologyService;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.DisparityMap;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.PatchMatches;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.PatchMatchTopology;
import io.visionstreams.topology.RejectReasons;
import io.visionstreams.topology.StereoHalves;
import io.visionstreams.topology.StereoTopology;

/** Stereo and matching through a real (in-JVM KRaft) broker, exactly once, both stereo ingest paths. */
class StereoPipelineIntegrationTest {

    static EmbeddedKafkaCluster kafka;
    static Properties client;
    static final SyntheticStereoRig RIG = new SyntheticStereoRig(96, 48, 6, 9L);

    @TempDir
    Path tmp;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(2 * MAX_FRAME_BYTES), true);
        client = client(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private TopologyService.Settings settings(String appId) {
        return new TopologyService.Settings(appId, 2, tmp.resolve(appId), 1, MAX_FRAME_BYTES);
    }

    @Test
    void nPairsInGiveNDisparityMapsOutExactlyOnceFromBothIngestPaths() throws Exception {
        StereoTopology.Topics topics = new StereoTopology.Topics("e2e-pairs", "e2e-left", "e2e-right", "e2e-disparity",
                "e2e-dead-letter");
        try (Admin admin = Admin.create(client)) {
            TopicAdmin.ensureTopics(admin, topics.specs(3), (short) 1, MAX_FRAME_BYTES);
            // a pair carries two frames, a half one
            assertEquals(String.valueOf(KafkaClientConfig.maxRecordBytes(2 * MAX_FRAME_BYTES)), maxMessageBytes(admin, topics.pairs()));
            assertEquals(String.valueOf(KafkaClientConfig.maxRecordBytes(MAX_FRAME_BYTES)), maxMessageBytes(admin, topics.left()));
        }
        int records = 6;
        int halves = 4;
        Map<String, Integer> seen = Collections.synchronizedMap(new HashMap<>());
        List<DeadLetter> dead = Collections.synchronizedList(new java.util.ArrayList<>());
        var maps = VisionSerdes.disparityMap();
        var dls = VisionSerdes.deadLetter();
        StereoTopology.Options options = StereoTopology.Options.defaults().withMaxDisparity(16)
                .withPairWindow(Duration.ofSeconds(5));
        // the CNN matcher the service serves by default (features + SGM), not the classical stand-in
        io.visionstreams.models.LoadedModel model = io.visionstreams.models.ModelZoo.resolve(
                io.visionstreams.models.stereo.StereoMatcher.DEFAULT_MODEL);
        io.visionstreams.inference.OnnxRuntimeBackend rt = new io.visionstreams.inference.OnnxRuntimeBackend(1, 1);
        try (TopologyService service = TopologyService.stereo(client, settings("it-stereo"), topics, options,
                new io.visionstreams.topology.cnn.CnnDisparityEstimator(rt.open(model.source()), model.descriptor(),
                        io.visionstreams.models.stereo.StereoOptions::defaults, rt));
             TopicTail tail = new TopicTail(client, MAX_FRAME_BYTES, List.of(topics.disparity(), topics.deadLetter()), r -> {
                 if (r.topic().equals(topics.disparity())) {
                     DisparityMap m = maps.decode(r.value());
                     seen.merge(m.getSource().getSourceId() + "#" + m.getSource().getSequence(), 1, Integer::sum);
                 } else {
                     dead.add(dls.decode(r.value()));
                 }
             });
             KafkaProducer<byte[], byte[]> producer = rawProducer(client)) {
            service.runner().awaitRunning(Duration.ofSeconds(60));
            Instant now = Instant.now();
            for (int i = 0; i < records; i++) {
                String rig = "rig-" + (i % 3);
                send(producer, topics.pairs(), rig, VisionSerdes.stereoPair().encode(RIG.pair(rig, i, now)));
            }
            for (int i = 0; i < halves; i++) {
                StereoPair p = RIG.pair("split-rig", 100 + i, now);
                Frame l = p.getLeft();
                Frame r = p.getRight();
                for (Frame f : List.of(l, r)) {
                    f.setMetadata(Map.of(StereoHalves.RIG, "split-rig", StereoHalves.RECTIFIED, "true"));
                }
                // keyed by camera: the topology re-keys by rig so the halves meet
                send(producer, topics.right(), "cam-right", VisionSerdes.frame().encode(r));
                send(producer, topics.left(), "cam-left", VisionSerdes.frame().encode(l));
            }
            // the first right half again: reported, never a second map
            StereoPair again = RIG.pair("split-rig", 100, now);
            again.getRight().setMetadata(Map.of(StereoHalves.RIG, "split-rig", StereoHalves.RECTIFIED, "true"));
            producer.flush();
            int expected = records + halves;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (tail.count(topics.disparity()) < expected && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            send(producer, topics.right(), "cam-right", VisionSerdes.frame().encode(again.getRight()));
            producer.flush();
            assertTrue(tail.awaitCount(topics.deadLetter(), 1, Duration.ofSeconds(60)), "duplicate reported");
            Thread.sleep(1500); // a duplicate result would arrive now
            assertEquals(expected, tail.count(topics.disparity()), "maps: " + seen);
            assertEquals(expected, seen.size());
            assertTrue(seen.values().stream().allMatch(c -> c == 1), "no duplicates: " + seen);
            assertEquals(1, dead.size(), dead.toString());
            assertEquals(RejectReasons.DUPLICATE_HALF, dead.get(0).getReason());
        }
    }

    private static String maxMessageBytes(Admin admin, String topic) throws Exception {
        var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource)
                .get(org.apache.kafka.common.config.TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value();
    }

    @Test
    void imagePairsGivePatchMatchesEndToEnd() throws Exception {
        PatchMatchTopology.Topics topics = new PatchMatchTopology.Topics("e2e-image-pairs", "e2e-matches", "e2e-match-dead");
        try (Admin admin = Admin.create(client)) {
            TopicAdmin.ensureTopics(admin, topics.specs(2), (short) 1, MAX_FRAME_BYTES);
        }
        int n = 3;
        Map<Long, Integer> matches = Collections.synchronizedMap(new HashMap<>());
        var serde = VisionSerdes.patchMatches();
        try (TopologyService service = TopologyService.match(client, settings("it-match"), topics, io.visionstreams.topology.PairMatchers.cnn(
                io.visionstreams.models.matching.PatchMatcher.open(io.visionstreams.models.matching.PatchMatcher.DEFAULT_DESCRIPTOR_MODEL,
                        null, "cpu", 1),
                io.visionstreams.models.matching.MatchOptions.defaults().withMaxKeypoints(300)
                        .withGeometry(io.visionstreams.models.matching.Geometry.Kind.HOMOGRAPHY, 3.0)));
             TopicTail tail = new TopicTail(client, MAX_FRAME_BYTES, List.of(topics.matches(), topics.deadLetter()), r -> {
                 if (r.topic().equals(topics.matches())) {
                     PatchMatches m = serde.decode(r.value());
                     matches.merge(m.getSource().getSequence(), m.getMatches().size(), (a, b) -> -1);
                 }
             });
             KafkaProducer<byte[], byte[]> producer = rawProducer(client)) {
            service.runner().awaitRunning(Duration.ofSeconds(60));
            SyntheticStereoRig big = new SyntheticStereoRig(320, 240, 10, 4L);
            for (int i = 0; i < n; i++) {
                send(producer, topics.pairs(), "pair", VisionSerdes.stereoPair().encode(big.pair("pair", i, Instant.now())));
            }
            producer.flush();
            assertTrue(tail.awaitCount(topics.matches(), n, Duration.ofSeconds(90)));
            Thread.sleep(1000);
            assertEquals(n, tail.count(topics.matches()));
            assertEquals(0, tail.count(topics.deadLetter()));
            assertEquals(n, matches.size());
            matches.values().forEach(c -> assertTrue(c > 10, "matches per pair (-1 = duplicate): " + matches));
        }
    }
}
