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
