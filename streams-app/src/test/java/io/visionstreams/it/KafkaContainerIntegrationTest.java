package io.visionstreams.it;

import static io.visionstreams.it.PipelineHarness.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import io.visionstreams.ops.DetectionService;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.topology.DetectionTopology;

/**
 * The detection path against Kafka in a container (the broker image users deploy), on machines with
 * Docker. Skipped cleanly without Docker; CI uses the embedded broker tests instead.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerIntegrationTest {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1")
            .withEnv("KAFKA_MESSAGE_MAX_BYTES", String.valueOf(io.visionstreams.ops.KafkaClientConfig.maxRecordBytes(MAX_FRAME_BYTES)));

    @TempDir
    Path tmp;

    @Test
    void framesInDetectionsOut() throws Exception {
        Properties client = client(KAFKA.getBootstrapServers());
        DetectionTopology.Topics topics = createTopics(client, "tc", 2);
        try (DetectionService service = startService(client, topics, "it-tc", tmp, 2);
             TopicTail tail = new TopicTail(client, MAX_FRAME_BYTES, List.of(topics.detections()), r -> { });
             KafkaProducer<byte[], byte[]> producer = rawProducer(client)) {
            for (int i = 0; i < 10; i++) {
                send(producer, topics.frames(), "cam", bytes(goodFrame("cam", i)));
            }
            producer.flush();
            assertTrue(tail.awaitCount(topics.detections(), 10, Duration.ofSeconds(90)));
        }
    }
}
