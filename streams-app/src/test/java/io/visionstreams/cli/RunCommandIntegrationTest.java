package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.VisionSerdes;
import picocli.CommandLine;

/** {@code run --config client.properties} against a broker it did not start, stopped as SIGTERM would. */
class RunCommandIntegrationTest {

    @TempDir
    Path tmp;

    @Test
    void runServesFromAClientPropertiesFileAndStopsCleanly() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1,
                KafkaClientConfig.maxRecordBytes(KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES), true)) {
            Path config = tmp.resolve("client.properties");
            Files.writeString(config, "bootstrap.servers=" + kafka.bootstrapServers() + "\nclient.dns.lookup=use_all_dns_ips\n");
            RunCommand run = new RunCommand();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread t = new Thread(() -> exit.set(new CommandLine(run).execute("--config", config.toString(),
                    "--create-topics", "--partitions", "2", "--replication-factor", "1", "--stream-threads", "2",
                    "--application-id", "run-it", "--state-dir", tmp.resolve("state").toString(),
                    "--frames-topic", "run-frames", "--detections-topic", "run-detections", "--dead-letter-topic", "run-dlq")));
            t.start();
            Properties client = new Properties();
            client.put("bootstrap.servers", kafka.bootstrapServers());
            waitForTopic(client, "run-detections");
            SyntheticCamera cam = new SyntheticCamera(160, 120, 3);
            try (TopicTail tail = new TopicTail(client, KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES, List.of("run-detections"), r -> { });
                 KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientConfig.producer(client,
                         KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 5; i++) {
                    Frame f = Frame.newBuilder().setSourceId("cam").setSequence(i).setCaptureTimestamp(java.time.Instant.now())
                            .setEncoding(FrameEncoding.JPEG).setWidth(160).setHeight(120)
                            .setData(java.nio.ByteBuffer.wrap(cam.frame(i).data())).build();
                    p.send(new ProducerRecord<>("run-frames", "cam".getBytes(), VisionSerdes.frame().encode(f)));
                }
                p.flush();
                assertTrue(tail.awaitCount("run-detections", 5, Duration.ofSeconds(90)));
            }
            run.stop.countDown(); // what the SIGTERM hook does
            t.join(60_000);
            assertEquals(0, exit.get());
        }
    }

    @Test
    void runFollowingReleasesStartsOnTheNewestTrustedReleaseAndReportsIt() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1,
                KafkaClientConfig.maxRecordBytes(KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES), true)) {
            Properties client = new Properties();
            client.put("bootstrap.servers", kafka.bootstrapServers());
            // the trainer side: a key pair, and detector-student published again as version 2
            java.security.KeyPair key = io.visionstreams.release.ReleaseKeys.generate();
            Path pub = tmp.resolve("keys/release-signing.pub");
            Files.createDirectories(pub.getParent());
            io.visionstreams.release.ReleaseKeys.writePublic(key.getPublic(), pub);
            var bundled = io.visionstreams.models.ModelZoo.loadBundled("detector-student/1");
            Path modelDir = Files.createDirectories(tmp.resolve("model"));
            Files.write(modelDir.resolve(bundled.descriptor().onnx()), bundled.onnx());
            bundled.descriptor().write(modelDir.resolve("model.json"));
            Path store = Files.createDirectories(tmp.resolve("store"));
            try (var cpu = io.visionstreams.inference.InferenceRuntimes.select("cpu", 1)) {
                var unsigned = io.visionstreams.lifecycle.ReleasePublisher.prepare(
                        new io.visionstreams.lifecycle.ReleasePublisher.Request(modelDir, null, "2", false, null, List.of(), 1L),
                        new io.visionstreams.release.DirectoryArtifactStore(store), cpu, java.time.Instant.now());
                io.visionstreams.lifecycle.ReleasePublisher.send(io.visionstreams.release.ReleaseSigning.sign(unsigned,
                        key.getPrivate(), key.getPublic()), client, "run-releases", (short) 1);
            }
            Path config = tmp.resolve("client.properties");
            Files.writeString(config, "bootstrap.servers=" + kafka.bootstrapServers() + "\n");
            RunCommand run = new RunCommand();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread t = new Thread(() -> exit.set(new CommandLine(run).execute("--config", config.toString(),
                    "--create-topics", "--partitions", "1", "--replication-factor", "1", "--stream-threads", "2",
                    "--application-id", "run-follow", "--state-dir", tmp.resolve("state").toString(),
                    "--frames-topic", "f-frames", "--detections-topic", "f-detections", "--dead-letter-topic", "f-dlq",
                    "--follow-releases", "--trusted-keys", pub.getParent().toString(), "--release-store", store.toString(),
                    "--releases-topic", "run-releases", "--status-topic", "run-status", "--instance-id", "it-1")));
            t.start();
            waitForTopic(client, "f-detections");
            waitForTopic(client, "run-status");
            java.util.List<io.visionstreams.schema.Detections> out = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.List<io.visionstreams.schema.ModelStatus> status = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            SyntheticCamera cam = new SyntheticCamera(160, 120, 3);
            try (TopicTail tail = new TopicTail(client, KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES, List.of("f-detections",
                    "run-status"), r -> {
                        if (r.topic().equals("f-detections")) {
                            out.add(VisionSerdes.detections().decode(r.value()));
                        } else {
                            status.add(VisionSerdes.modelStatus().decode(r.value()));
                        }
                    });
                 KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientConfig.producer(client,
                         KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 3; i++) {
                    Frame f = Frame.newBuilder().setSourceId("cam").setSequence(i).setCaptureTimestamp(java.time.Instant.now())
                            .setEncoding(FrameEncoding.JPEG).setWidth(160).setHeight(120)
                            .setData(java.nio.ByteBuffer.wrap(cam.frame(i).data())).build();
                    p.send(new ProducerRecord<>("f-frames", "cam".getBytes(), VisionSerdes.frame().encode(f)));
                }
                p.flush();
                assertTrue(tail.awaitCount("f-detections", 3, Duration.ofSeconds(90)));
                out.forEach(d -> assertEquals("2", d.getModel().getVersion(), "served the release from the first record"));
                assertTrue(tail.awaitCount("run-status", 2, Duration.ofSeconds(10)));
                var last = status.get(status.size() - 1);
                assertEquals("it-1", last.getInstanceId());
                assertEquals("2", last.getServingVersion());
                assertEquals(io.visionstreams.schema.ServingState.SERVING, last.getState());
            }
            run.stop.countDown();
            t.join(60_000);
            assertEquals(0, exit.get());
        }
    }

    private static void waitForTopic(Properties client, String topic) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(client)) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!admin.listTopics().names().get().contains(topic)) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("run did not create " + topic);
                }
                Thread.sleep(100);
            }
        }
    }
}
