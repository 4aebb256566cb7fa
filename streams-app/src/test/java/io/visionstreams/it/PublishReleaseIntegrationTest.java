package io.visionstreams.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.release.ArtifactKinds;
import io.visionstreams.release.DirectoryArtifactStore;
import io.visionstreams.release.FetchedRelease;
import io.visionstreams.release.ReleaseFetcher;
import io.visionstreams.release.ReleaseKeys;
import io.visionstreams.release.SignedRelease;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.VisionSerdes;

/** keygen + publish as a user runs them, against the embedded broker; an instance's view of the result. */
class PublishReleaseIntegrationTest {

    static EmbeddedKafkaCluster kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES), true);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void publishedReleaseVerifiesAndFetchesByteIdentical() throws Exception {
        Path keys = tmp.resolve("keys");
        CliIntegrationTest.Run k = CliIntegrationTest.cli("keygen", "--out", keys.toString());
        assertEquals(0, k.exitCode(), k.out());
        Matcher id = Pattern.compile("key id ([0-9a-f]{16})").matcher(k.out());
        assertTrue(id.find(), k.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("release-signing.key"))));
        assertEquals(id.group(1), ReleaseKeys.keyId(ReleaseKeys.readPublic(keys.resolve("release-signing.pub"))));
        assertEquals(1, CliIntegrationTest.cli("keygen", "--out", keys.toString()).exitCode(), "never overwrites a key");

        Path model = Path.of(getClass().getResource("/io/visionstreams/zoo/detector-student/1/model.json").toURI()).getParent();
        Path store = tmp.resolve("store");
        String topic = "releases-it";
        CliIntegrationTest.Run p = CliIntegrationTest.cli("publish", "--model-dir", model.toString(), "--store", store.toUri().toString(),
                "--key", keys.resolve("release-signing.key").toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--topic", topic);
        assertEquals(0, p.exitCode(), p.out());
        assertTrue(p.out().contains("published detector-student/1 signed by key " + id.group(1)), p.out());
        assertTrue(p.out().contains(topic + " partition 0 offset 0"), p.out());
        // the same network as version 2, pinned: a second record under the same key
        CliIntegrationTest.Run p2 = CliIntegrationTest.cli("publish", "--model-dir", model.toString(), "--version", "2", "--pin",
                "--store", store.toString(), "--key", keys.resolve("release-signing.key").toString(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic);
        assertEquals(0, p2.exitCode(), p2.out());
        assertTrue(p2.out().contains("published detector-student/2 (pinned)"), p2.out());

        Properties client = PipelineHarness.client(kafka.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config cfg = admin.describeConfigs(List.of(res)).all().get().get(res);
            assertEquals("compact", cfg.get("cleanup.policy").value());
        }

        List<ConsumerRecord<String, ModelRelease>> records = consume(client, topic, 2);
        assertEquals(List.of("detector-student", "detector-student"), records.stream().map(ConsumerRecord::key).toList());
        TrustedKeys trusted = TrustedKeys.load(List.of(keys.resolve("release-signing.pub")));
        DirectoryArtifactStore instanceStore = new DirectoryArtifactStore(store);
        for (ConsumerRecord<String, ModelRelease> rec : records) {
            ModelRelease r = rec.value();
            FetchedRelease f = new ReleaseFetcher(instanceStore, trusted, tmp.resolve("cache"))
                    .fetch(SignedRelease.of(r));
            assertArrayEquals(Files.readAllBytes(model.resolve("model.onnx")), Files.readAllBytes(f.require(ArtifactKinds.ONNX)));
            assertArrayEquals(Files.readAllBytes(model.resolve("MODEL_CARD.md")), Files.readAllBytes(f.require(ArtifactKinds.MODEL_CARD)));
            for (ModelArtifact a : r.getArtifacts()) {
                assertArrayEquals(Files.readAllBytes(store.resolve(a.getUri())), Files.readAllBytes(f.dir().resolve(Path.of(a.getUri()).getFileName())),
                        a.getKind() + " fetched byte-identical");
            }
        }
        assertEquals(false, records.get(0).value().getPinned());
        assertEquals(true, records.get(1).value().getPinned());
        assertNotEquals(records.get(0).value().getSignature(), records.get(1).value().getSignature());

        // republishing version 1 with different bytes under the same name is refused by the store
        Path changed = Files.createDirectories(tmp.resolve("changed"));
        for (String f : List.of("model.json", "model.onnx")) {
            Files.copy(model.resolve(f), changed.resolve(f));
        }
        Files.writeString(changed.resolve("MODEL_CARD.md"), "# a different card\n");
        CliIntegrationTest.Run clash = CliIntegrationTest.cli("publish", "--model-dir", changed.toString(), "--store", store.toString(),
                "--key", keys.resolve("release-signing.key").toString(), "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic);
        assertEquals(1, clash.exitCode(), clash.out());
        assertEquals(2, consume(client, topic, 3).size(), "no record for a failed publish");
    }

    private static List<ConsumerRecord<String, ModelRelease>> consume(Properties client, String topic, int max) {
        Properties c = KafkaClientConfig.consumer(client, KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES);
        List<ConsumerRecord<String, ModelRelease>> out = new ArrayList<>();
        try (KafkaConsumer<String, ModelRelease> consumer = new KafkaConsumer<>(c, new StringDeserializer(), VisionSerdes.modelRelease())) {
            // assigned, not subscribed: no group join to wait for
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(max > 2 ? 5 : 20).toNanos();
            while (out.size() < max && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
