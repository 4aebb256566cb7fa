package io.visionstreams.it;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.ops.DetectionService;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.DetectionTopology;

/** Shared set-up of the integration tests: topics, services, and producing frames as raw bytes. */
final class PipelineHarness {

    static final int MAX_FRAME_BYTES = KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES;
    static final SyntheticCamera CAMERA = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(320, 240));

    private PipelineHarness() {
    }

    static Properties client(String bootstrap) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    /** Creates frames/detections/dead-letter topics with a test-specific prefix. */
    static DetectionTopology.Topics createTopics(Properties client, String prefix, int partitions) throws Exception {
        DetectionTopology.Topics t = new DetectionTopology.Topics(prefix + "-frames", prefix + "-detections",
                prefix + "-dead-letter");
        try (Admin admin = Admin.create(client)) {
            TopicAdmin.ensureTopics(admin, t.specs(partitions), (short) 1, MAX_FRAME_BYTES);
        }
        return t;
    }

    static DetectionService startService(Properties client, DetectionTopology.Topics topics, String appId, Path stateDir,
                                         int threads) throws Exception {
        DetectorDeployment d = DetectorDeployment.open(DetectorDeployment.Settings.defaults().withRuntime("cpu")
                .withBatching(4, Duration.ofMillis(2)).withIntraOpThreads(1));
        DetectionService s = DetectionService.start(client, new DetectionService.Settings(appId, threads, stateDir, 1,
                MAX_FRAME_BYTES, topics), d);
        s.runner().awaitRunning(Duration.ofSeconds(60));
        return s;
    }

    static KafkaProducer<byte[], byte[]> rawProducer(Properties client) {
        return new KafkaProducer<>(KafkaClientConfig.producer(client, MAX_FRAME_BYTES), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    static Frame frame(String source, long seq, FrameEncoding enc, int w, int h, byte[] data) {
        return Frame.newBuilder().setSourceId(source).setSequence(seq).setCaptureTimestamp(Instant.now())
                .setEncoding(enc).setWidth(w).setHeight(h).setData(ByteBuffer.wrap(data)).build();
    }

    static Frame goodFrame(String source, long seq) {
        byte[] jpeg = CAMERA.frame(seq).data();
        return frame(source, seq, FrameEncoding.JPEG, 320, 240, jpeg);
    }

    static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
    }

    /** Sends to an explicit partition, so that every partition (and so every task) gets work. */
    static void sendTo(KafkaProducer<byte[], byte[]> p, String topic, int partition, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, partition, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
    }

    static byte[] bytes(Frame f) {
        return VisionSerdes.frame().encode(f);
    }
}
