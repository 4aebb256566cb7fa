package io.visionstreams.it;

import static io.visionstreams.it.PipelineHarness.MAX_FRAME_BYTES;
import static io.visionstreams.it.PipelineHarness.client;
import static io.visionstreams.it.PipelineHarness.frame;
import static io.visionstreams.it.PipelineHarness.rawProducer;
import static io.visionstreams.it.PipelineHarness.sendTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceRuntimes;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.lifecycle.ReleaseInstaller;
import io.visionstreams.lifecycle.ReleasePublisher;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.ReleaseFollowing;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.ops.TopologyService;
import io.visionstreams.release.DirectoryArtifactStore;
import io.visionstreams.release.RejectReason;
import io.visionstreams.release.ReleaseKeys;
import io.visionstreams.release.ReleaseSigning;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.ModelDescriptor;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.ModelStatus;
import io.visionstreams.schema.ServingState;
import io.visionstreams.schema.StylizedFrame;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.StyleTopology;

/**
 * The stylize topology following releases through the embedded broker: style-cin/2 published again as
 * version 3 while frames flow switches every partition from 2 to 3 once, with no failed or duplicated
 * record; a release offering another style list is rejected and 3 keeps serving.
 */
class StyleHotSwapIntegrationTest {

    static final int PARTITIONS = 2;
    static final SyntheticCamera CAMERA = new SyntheticCamera(64, 64, 11L);

    @TempDir
    Path tmp;

    record Result(long seq, int partition, long offset, String version) {
    }

    @Test
    void aNewStylizerVersionSwapsInUnderLoadAndAReleaseWithOtherStylesIsRejected() throws Exception {
        StyleTopology.Topics topics = new StyleTopology.Topics("shs-frames", "shs-out", "shs-dead-letter");
        String releasesTopic = "shs-releases";
        String statusTopic = "shs-status";
        KeyPair key = ReleaseKeys.generate();
        LoadedModel v2 = ModelZoo.loadBundled("style-cin/2"); // a fixed version: the test republishes it as 3
        StylizerDeployment.Settings settings = StylizerDeployment.Settings.defaults().withRuntime("cpu", 1)
                .withBatching(2, Duration.ofMillis(5));
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(2 * MAX_FRAME_BYTES), true)) {
            Properties client = client(kafka.bootstrapServers());
            try (Admin admin = Admin.create(client)) {
                TopicAdmin.ensureTopics(admin, topics.specs(PARTITIONS), (short) 1, MAX_FRAME_BYTES);
            }
            ReleaseFollowing.ensureTopics(client, releasesTopic, statusTopic, (short) 1);
            DirectoryArtifactStore store = new DirectoryArtifactStore(Files.createDirectories(tmp.resolve("store")));

            Map<Long, List<Result>> bySeq = new ConcurrentHashMap<>();
            List<ModelStatus> statuses = Collections.synchronizedList(new ArrayList<>());
            var out = VisionSerdes.stylizedFrame();
            var st = VisionSerdes.modelStatus();
            StylizerDeployment initial = StylizerDeployment.open(settings, v2);
            List<String> styles = initial.stylizer().translator().spec().styles();
            ModelSlot<StylizerDeployment> slot = new ModelSlot<>(initial);
            ReleaseFollowing following;
            try {
                following = ReleaseFollowing.start(client, new ReleaseFollowing.Settings("style-instance", releasesTopic,
                                statusTopic, Files.createDirectories(tmp.resolve("cache")), ReleaseInstaller.Checks.defaults(),
                                Duration.ofSeconds(60)), slot, StylizerDeployment.releaseOpener(settings, styles),
                        TrustedKeys.of(key.getPublic()), new DirectoryArtifactStore(tmp.resolve("store")));
            } catch (Exception e) {
                slot.close();
                throw e;
            }
            try (following;
                 TopologyService service = TopologyService.stylize(client, new TopologyService.Settings("it-style-swap", 2,
                         tmp.resolve("state"), 1, MAX_FRAME_BYTES), topics, slot, StyleSelection.single(styles, styles.get(0)));
                 TopicTail tail = new TopicTail(client, 2 * MAX_FRAME_BYTES, List.of(topics.stylized(), topics.deadLetter(),
                         statusTopic), r -> {
                     if (r.topic().equals(topics.stylized())) {
                         StylizedFrame f = out.decode(r.value());
                         bySeq.computeIfAbsent(f.getSource().getSequence(), k -> Collections.synchronizedList(new ArrayList<>()))
                                 .add(new Result(f.getSource().getSequence(), f.getSource().getPartition(),
                                         f.getSource().getOffset(), f.getModel().getVersion()));
                     } else if (r.topic().equals(statusTopic)) {
                         statuses.add(st.decode(r.value()));
                     }
                 });
                 KafkaProducer<byte[], byte[]> frames = rawProducer(client);
                 KafkaProducer<String, byte[]> releases = new KafkaProducer<>(KafkaClientConfig.producer(client, 1 << 20),
                         new StringSerializer(), new ByteArraySerializer());
                 InferenceRuntime cpu = InferenceRuntimes.select("cpu", 1)) {
                service.runner().awaitRunning(Duration.ofSeconds(60));
                ModelRelease v3 = signed(ReleasePublisher.prepare(new ReleasePublisher.Request(modelDir(v2.descriptor(), v2),
                        null, "3", false, null, List.of(), 7L), store, cpu, Instant.now()), key);
                // the same network whose descriptor names other styles: records name styles, so it must not serve
                ModelDescriptor d = v2.descriptor();
                List<String> renamed = new ArrayList<>(styles);
                renamed.set(1, "mandrill");
                ModelDescriptor otherStyles = new ModelDescriptor(d.name(), d.version(), d.task(), d.onnx(), d.sha256(),
                        d.input(), d.outputs(), d.decoder(), d.camStride(), d.classes(),
                        new ModelDescriptor.Stylization(renamed, d.stylization().weightsInput(), d.stylization().output(),
                                d.stylization().outputRange(), d.stylization().sizeMultiple(), d.stylization().width(),
                                d.stylization().lossNetwork()), d.trained());
                ModelRelease v4 = signed(ReleasePublisher.prepare(new ReleasePublisher.Request(modelDir(otherStyles, v2),
                        null, "4", false, null, List.of(), 7L), store, cpu, Instant.now()), key);

                long seq = 0;
                for (; seq < 8; seq++) {
                    send(frames, seq, styles);
                }
                // version 2 serves these before the release exists (the first batches include the service's start-up)
                assertTrue(tail.awaitCount(topics.stylized(), 8, Duration.ofSeconds(60)));
                releases.send(new ProducerRecord<>(releasesTopic, v3.getModelName(),
                        VisionSerdes.modelRelease().encode(v3))).get();
                // frames keep flowing while version 3 is fetched, checked, warmed up and swapped in
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (find(statuses, s -> s.getState() == ServingState.SERVING && "3".equals(s.getServingVersion())) == null) {
                    assertTrue(System.nanoTime() < deadline, "version 3 never served; statuses: " + statuses);
                    send(frames, seq++, styles);
                    Thread.sleep(100);
                }
                long afterSwap = seq;
                releases.send(new ProducerRecord<>(releasesTopic, v4.getModelName(),
                        VisionSerdes.modelRelease().encode(v4))).get();
                ModelStatus rejected = null;
                deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (rejected == null) {
                    assertTrue(System.nanoTime() < deadline, "version 4 never rejected; statuses: " + statuses);
                    send(frames, seq++, styles);
                    Thread.sleep(100);
                    rejected = find(statuses, s -> "4".equals(s.getLastRelease()) && s.getState() == ServingState.REJECTED);
                }
                for (int i = 0; i < 4; i++) {
                    send(frames, seq++, styles);
                }
                long sent = seq;
                assertTrue(tail.awaitCount(topics.stylized(), (int) sent, Duration.ofSeconds(60)),
                        "results: " + tail.count(topics.stylized()) + " of " + sent);
                Thread.sleep(1000); // a duplicate would arrive now

                assertEquals(RejectReason.INCOMPATIBLE_SIGNATURE.name(), rejected.getReason(), rejected.getMessage());
                assertTrue(rejected.getMessage().contains("mandrill"), rejected.getMessage());
                assertEquals("3", rejected.getServingVersion(), "3 keeps serving");
                assertEquals(sent, bySeq.size(), "every frame has a result");
                assertEquals(sent, tail.count(topics.stylized()), "and exactly one");
                assertEquals(0, tail.count(topics.deadLetter()), "no failed records");
                assertEquals(1, following.metrics().getSwaps());
                // per partition in offset order: 2 ... 2 3 ... 3
                Map<Integer, TreeMap<Long, String>> byPartition = new TreeMap<>();
                bySeq.values().forEach(l -> l.forEach(r ->
                        byPartition.computeIfAbsent(r.partition(), k -> new TreeMap<>()).put(r.offset(), r.version())));
                int v2Results = 0;
                int v3Results = 0;
                for (Map.Entry<Integer, TreeMap<Long, String>> e : byPartition.entrySet()) {
                    boolean switched = false;
                    for (String v : e.getValue().values()) {
                        if (v.equals("3")) {
                            switched = true;
                            v3Results++;
                        } else {
                            assertEquals("2", v);
                            assertTrue(!switched, "partition " + e.getKey() + " went back to 2: " + e.getValue());
                            v2Results++;
                        }
                    }
                }
                assertTrue(v2Results >= 8 && v3Results >= sent - afterSwap, "2: " + v2Results + ", 3: " + v3Results);
                System.out.printf("STYLE-SWAP frames in %d, out %d, dead letters 0; version 2 results %d, version 3 results %d;"
                        + " install %d ms; rejected 4: %s%n", sent, tail.count(topics.stylized()), v2Results, v3Results,
                        following.metrics().getLastInstallMillis(), rejected.getMessage());
            }
        }
    }

    private Path modelDir(ModelDescriptor d, LoadedModel m) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "publish-");
        Files.write(dir.resolve(d.onnx()), m.onnx());
        d.write(dir.resolve(ModelDescriptor.FILE_NAME));
        return dir;
    }

    private static ModelRelease signed(ModelRelease unsigned, KeyPair key) {
        return ReleaseSigning.sign(unsigned, key.getPrivate(), key.getPublic());
    }

    private static void send(KafkaProducer<byte[], byte[]> p, long seq, List<String> styles) {
        int partition = (int) (seq % PARTITIONS);
        String cam = "cam-" + partition;
        Frame f = frame(cam, seq, FrameEncoding.JPEG, 64, 64, CAMERA.frame(seq).data());
        f.setMetadata(Map.of(StyleTopology.STYLE_KEY, styles.get((int) (seq % styles.size()))));
        sendTo(p, "shs-frames", partition, cam, VisionSerdes.frame().encode(f));
        p.flush();
    }

    private static ModelStatus find(List<ModelStatus> statuses, Predicate<ModelStatus> p) {
        synchronized (statuses) {
            return statuses.stream().filter(p).findFirst().orElse(null);
        }
    }
}
