package io.visionstreams.it;

import static io.visionstreams.it.PipelineHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.ops.DetectionService;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.DetectionTopology;
import io.visionstreams.topology.RejectReasons;

/**
 * The detection path against a real (in-JVM KRaft) Kafka broker: exactly-once results, the
 * dead-letter topic, and two instances sharing the work.
 */
class DetectionPipelineIntegrationTest {

    static EmbeddedKafkaCluster kafka;
    static Properties client;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafkaCluster.start(1, io.visionstreams.ops.KafkaClientConfig.maxRecordBytes(MAX_FRAME_BYTES), true);
        client = client(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Collects results keyed by (source, sequence), counting repeats. */
    static final class Collected {
        final Map<String, Integer> seen = Collections.synchronizedMap(new HashMap<>());
        final List<DeadLetter> deadLetters = Collections.synchronizedList(new ArrayList<>());
        final List<Detections> detections = Collections.synchronizedList(new ArrayList<>());

        TopicTail tail(DetectionTopology.Topics t) {
            var det = VisionSerdes.detections();
            var dl = VisionSerdes.deadLetter();
            return new TopicTail(client, MAX_FRAME_BYTES, List.of(t.detections(), t.deadLetter()), r -> {
                if (r.topic().equals(t.detections())) {
                    Detections d = det.decode(r.value());
                    detections.add(d);
                    seen.merge(d.getSource().getSourceId() + "#" + d.getSource().getSequence(), 1, Integer::sum);
                } else {
                    deadLetters.add(dl.decode(r.value()));
                }
            });
        }

        long duplicates() {
            synchronized (seen) {
                return seen.values().stream().filter(c -> c > 1).count();
            }
        }
    }

    @Test
    void nFramesInGiveNDetectionsOutExactlyOnce() throws Exception {
        DetectionTopology.Topics topics = createTopics(client, "eos", 4);
        int n = 40;
        Collected c = new Collected();
        try (DetectionService service = startService(client, topics, "it-eos", tmp.resolve("s"), 4);
             TopicTail tail = c.tail(topics);
             KafkaProducer<byte[], byte[]> producer = rawProducer(client)) {
            for (int i = 0; i < n; i++) {
                String src = "cam-" + (i % 4);
                send(producer, topics.frames(), src, bytes(goodFrame(src, i)));
            }
            producer.flush();
            assertTrue(tail.awaitCount(topics.detections(), n, Duration.ofSeconds(90)), "results: " + tail.count(topics.detections()));
            Thread.sleep(1500); // anything extra (a duplicate) would arrive now
            assertEquals(n, tail.count(topics.detections()));
            assertEquals(0, tail.count(topics.deadLetter()));
            assertEquals(n, c.seen.size());
            assertEquals(0, c.duplicates());
            for (Detections d : c.detections) {
                assertEquals("detector-student", d.getModel().getName());
                assertEquals("1", d.getModel().getVersion());
                assertEquals(topics.frames(), d.getSource().getTopic());
                assertEquals(320, d.getImageWidth());
                assertTrue(d.getLatency().getInferMicros() > 0);
            }
        }
    }

    @Test
    void everyKindOfBadFrameGoesToTheDeadLetterTopicAndTheServiceKeepsRunning() throws Exception {
        DetectionTopology.Topics topics = createTopics(client, "dlq", 2);
        byte[] jpeg = CAMERA.frame(1).data();
        byte[] rgb = new byte[10 * 10 * 3];
        Map<String, byte[]> bad = new TreeMap<>();
        bad.put(RejectReasons.AVRO_DECODE_FAILED, "not avro at all".getBytes());
        bad.put(RejectReasons.EMPTY_FRAME, bytes(frame("cam", 1, FrameEncoding.JPEG, 0, 0, new byte[0])));
        bad.put(RejectReasons.TRUNCATED_IMAGE, bytes(frame("cam", 2, FrameEncoding.JPEG, 320, 240,
                Arrays.copyOf(jpeg, jpeg.length / 2))));
        bad.put(RejectReasons.UNDECODABLE_IMAGE, bytes(frame("cam", 3, FrameEncoding.PNG, 0, 0, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9})));
        bad.put(RejectReasons.UNKNOWN_ENCODING, bytes(frame("cam", 4, FrameEncoding.UNKNOWN, 320, 240, jpeg)));
        bad.put(RejectReasons.WRONG_DIMENSIONS, bytes(frame("cam", 5, FrameEncoding.RAW_RGB8, 11, 10, rgb)));
        bad.put(RejectReasons.FRAME_TOO_LARGE, bytes(frame("cam", 6, FrameEncoding.RAW_GRAY8, 20000, 20000, new byte[16])));
        Collected c = new Collected();
        try (DetectionService service = startService(client, topics, "it-dlq", tmp.resolve("s"), 2);
             TopicTail tail = c.tail(topics);
             KafkaProducer<byte[], byte[]> producer = rawProducer(client)) {
            int good = 0;
            for (byte[] value : bad.values()) {
                send(producer, topics.frames(), "cam", value);
                send(producer, topics.frames(), "cam", bytes(goodFrame("cam", 100 + good)));
                good++;
            }
            producer.flush();
            int total = bad.size() + good;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (tail.count(topics.detections()) + tail.count(topics.deadLetter()) < total && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            assertEquals(good, tail.count(topics.detections()), "good frames after bad ones are still processed");
            assertEquals(bad.size(), tail.count(topics.deadLetter()));
            Map<String, DeadLetter> byReason = new HashMap<>();
            c.deadLetters.forEach(d -> byReason.put(d.getReason(), d));
            assertEquals(bad.keySet(), byReason.keySet());
            for (Map.Entry<String, byte[]> e : bad.entrySet()) {
                DeadLetter d = byReason.get(e.getKey());
                assertArrayEquals(e.getValue(), toArray(d.getOriginalValue()), "original bytes of " + e.getKey());
                assertEquals(topics.frames(), d.getSourceTopic());
                assertTrue(d.getSourceOffset() >= 0);
                assertEquals("detection", d.getApplication());
                assertTrue(d.getMessage().length() > 10, "a readable reason: " + d.getMessage());
            }
        }
    }

    @Test
    void twoInstancesShareThePartitionsAndProduceEachResultExactlyOnce() throws Exception {
        DetectionTopology.Topics topics = createTopics(client, "pair", 6);
        int n = 60;
        Collected c = new Collected();
        try (TopicTail tail = c.tail(topics);
             KafkaProducer<byte[], byte[]> producer = rawProducer(client)) {
            DetectionService a = startService(client, topics, "it-pair", tmp.resolve("a"), 2);
            try (DetectionService b = startService(client, topics, "it-pair", tmp.resolve("b"), 2)) {
                awaitBothAssigned(a, b);
                for (int i = 0; i < n / 2; i++) {
                    String src = "cam-" + (i % 6);
                    sendTo(producer, topics.frames(), i % 6, src, bytes(goodFrame(src, i)));
                }
                producer.flush();
                assertTrue(tail.awaitCount(topics.detections(), n / 2, Duration.ofSeconds(90)));
                Set<Integer> partitionsSeen = new HashSet<>();
                c.detections.forEach(d -> partitionsSeen.add(d.getSource().getPartition()));
                assertEquals(6, partitionsSeen.size());
                // planned shutdown of one instance: it leaves the group, the other takes all partitions
                a.close();
                for (int i = n / 2; i < n; i++) {
                    String src = "cam-" + (i % 6);
                    sendTo(producer, topics.frames(), i % 6, src, bytes(goodFrame(src, i)));
                }
                producer.flush();
                assertTrue(tail.awaitCount(topics.detections(), n, Duration.ofSeconds(90)),
                        "results: " + tail.count(topics.detections()));
                Thread.sleep(1500);
                assertEquals(n, tail.count(topics.detections()));
                assertEquals(n, c.seen.size());
                assertEquals(0, c.duplicates());
            } finally {
                a.close();
            }
        }
    }

    private static void awaitBothAssigned(DetectionService a, DetectionService b) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (activeTasks(a) > 0 && activeTasks(b) > 0 && activeTasks(a) + activeTasks(b) == 6) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("tasks not spread over both instances: " + activeTasks(a) + " + " + activeTasks(b));
    }

    private static long activeTasks(DetectionService s) {
        return s.runner().streams().metadataForLocalThreads().stream().mapToLong(t -> t.activeTasks().size()).sum();
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
