package io.visionstreams.cli;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.imaging.LetterboxGeometry;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Tensor;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.models.detection.DetectionTranslator;
import io.visionstreams.models.detection.DetectorSpec;
import io.visionstreams.ops.DetectionService;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TempDirs;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.DetectionTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Detection throughput end to end through the embedded broker versus bare ONNX Runtime on the same
 * model and the same frames, in one process, so the ratio is meaningful on a shared, noisy machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark a topology end to end (embedded Kafka) against bare ONNX Runtime on the same model and frames.")
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", defaultValue = "detection", description = "What to benchmark: detection or stylize.")
    String what;

    @Option(names = "--frames", defaultValue = "600", description = "Measured frames (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--warmup", defaultValue = "200", description = "Warm-up frames before each measurement (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--width", defaultValue = "640") int width;
    @Option(names = "--height", defaultValue = "480") int height;

    @Option(names = "--partitions", defaultValue = "8", description = "Frame topic partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--stream-threads", defaultValue = "8",
            description = "Stream threads; bounds the batch the batcher can form (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--streams-property", paramLabel = "KEY=VALUE",
            description = "Extra Kafka Streams/client property for the end-to-end run, e.g. commit.interval.ms=500 (repeatable).")
    Map<String, String> streamsProperties = new HashMap<>();

    @Mixin
    ServingOptions serving;

    @Mixin
    StyleTaskOptions styleTask;

    @Override
    public Integer call() throws Exception {
        if (what.equals("stylize")) {
            return new StyleBench(this).run();
        }
        if (!what.equals("detection")) {
            System.err.println("unknown benchmark '" + what + "' (available: detection, stylize)");
            return 2;
        }
        List<byte[]> jpegs = render(warmup + frames);
        System.out.printf("frames: %d measured + %d warm-up, %dx%d JPEG, avg %d KB%n", frames, warmup, width, height,
                jpegs.stream().mapToInt(b -> b.length).sum() / jpegs.size() / 1024);

        Result bare;
        Result inferOnly;
        try (DetectorDeployment d = DetectorDeployment.open(serving.settings())) {
            inferOnly = bareOrt(d, jpegs, true);
            bare = bareOrt(d, jpegs, false);
        }
        Result e2e = endToEnd(jpegs);

        System.out.println();
        System.out.printf("%-44s %10s %10s %10s%n", "detection, " + serving.model, "frames/s", "p50 ms", "p99 ms");
        print("bare ORT: inference only, batch " + serving.maxBatch, inferOnly);
        print("bare ORT: decode+pre+infer+post, batch " + serving.maxBatch, bare);
        print("end to end via Kafka (EOS v2)", e2e);
        System.out.printf("ratio end-to-end / bare (decode..post): %.2f%n", e2e.fps / bare.fps);
        System.out.printf("ratio end-to-end / inference only:      %.2f%n", e2e.fps / inferOnly.fps);
        System.out.printf("mean batch formed end to end: %.2f%n", e2e.meanBatch);
        return 0;
    }

    private static void print(String name, Result r) {
        System.out.printf("%-44s %10.1f %10.1f %10.1f%n", name, r.fps, r.p50, r.p99);
    }

    record Result(double fps, double p50, double p99, double meanBatch) {
    }

    List<byte[]> render(int n) {
        SyntheticCamera cam = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(width, height));
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(cam.frame(i).data());
        }
        return out;
    }

    /**
     * The same work as the topology minus Kafka, on one thread, with full batches: the best case a
     * stream processor could hope to match.
     */
    private Result bareOrt(DetectorDeployment d, List<byte[]> jpegs, boolean inferenceOnly) throws Exception {
        DetectionTranslator tr = d.detector().translator();
        DetectorSpec spec = tr.spec();
        InferenceSession session = d.session();
        int b = serving.maxBatch;
        int per = 3 * spec.inputWidth() * spec.inputHeight();
        List<float[]> pre = new ArrayList<>();
        if (inferenceOnly) { // tensors prepared outside the timed loop
            for (byte[] jpg : jpegs) {
                Image img = ImageCodec.decodeRgb(FrameEncoding.JPEG, jpg, 0, 0, ImageLimits.defaults());
                pre.add(tr.preprocess(img, tr.geometry(img)).get(spec.inputName()).floats());
            }
        }
        List<Double> latencies = new ArrayList<>();
        long start = 0;
        for (int i = 0; i < jpegs.size(); i += b) {
            if (i == warmup - warmup % b) {
                start = System.nanoTime();
                latencies.clear();
            }
            long t0 = System.nanoTime();
            int n = Math.min(b, jpegs.size() - i);
            float[] batch = new float[n * per];
            LetterboxGeometry[] geo = new LetterboxGeometry[n];
            for (int k = 0; k < n; k++) {
                if (inferenceOnly) {
                    System.arraycopy(pre.get(i + k), 0, batch, k * per, per);
                } else {
                    Image img = ImageCodec.decodeRgb(FrameEncoding.JPEG, jpegs.get(i + k), 0, 0, ImageLimits.defaults());
                    geo[k] = tr.geometry(img);
                    System.arraycopy(tr.preprocess(img, geo[k]).get(spec.inputName()).floats(), 0, batch, k * per, per);
                }
            }
            Map<String, Tensor> out = session.run(Map.of(spec.inputName(),
                    Tensor.ofFloats(new long[] {n, 3, spec.inputHeight(), spec.inputWidth()}, batch)));
            if (!inferenceOnly) {
                Tensor boxes = out.get(spec.boxesOutput());
                Tensor scores = out.get(spec.scoresOutput());
                long a = boxes.dim(1);
                int c = spec.numClasses();
                for (int k = 0; k < n; k++) {
                    tr.postprocess(
                            Tensor.ofFloats(new long[] {a, 4}, Arrays.copyOfRange(boxes.floats(), (int) (k * a * 4), (int) ((k + 1) * a * 4))),
                            Tensor.ofFloats(new long[] {a, c}, Arrays.copyOfRange(scores.floats(), (int) (k * a * c), (int) ((k + 1) * a * c))),
                            geo[k]);
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            for (int k = 0; k < n; k++) {
                latencies.add(ms);
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return new Result(latencies.size() / secs, pct(latencies, 50), pct(latencies, 99), b);
    }

    private Result endToEnd(List<byte[]> jpegs) throws Exception {
        int maxFrameBytes = KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES;
        DetectionTopology.Topics topics = DetectionTopology.Topics.defaults();
        Path stateDir = Files.createTempDirectory("vision-streams-bench-");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(maxFrameBytes), false)) {
            Properties client = new Properties();
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            Properties streamsClient = new Properties();
            streamsClient.putAll(client);
            streamsClient.putAll(streamsProperties);
            try (Admin admin = Admin.create(client)) {
                TopicAdmin.ensureTopics(admin, topics.specs(partitions), (short) 1, maxFrameBytes);
            }
            AvroSerde<Detections> serde = VisionSerdes.detections();
            Map<Long, Long> receivedAt = new ConcurrentHashMap<>();
            Map<Long, Integer> batchOf = new ConcurrentHashMap<>();
            Map<Long, long[]> stagesOf = new ConcurrentHashMap<>();
            DetectionService.Settings s = new DetectionService.Settings("vision-streams-bench", streamThreads, stateDir, 1,
                    maxFrameBytes, topics);
            try (DetectionService service = DetectionService.start(streamsClient, s, DetectorDeployment.open(serving.settings()));
                 TopicTail tail = new TopicTail(client, maxFrameBytes, List.of(topics.detections(), topics.deadLetter()), r -> {
                     if (r.topic().equals(topics.detections())) {
                         Detections d = serde.decode(r.value());
                         receivedAt.put(d.getSource().getSequence(), System.nanoTime());
                         batchOf.put(d.getSource().getSequence(), d.getLatency().getBatchSize());
                         var l = d.getLatency();
                         stagesOf.put(d.getSource().getSequence(), new long[] {l.getDecodeMicros(), l.getPreMicros(),
                                 l.getQueueMicros(), l.getInferMicros(), l.getPostMicros()});
                     }
                 });
                 KafkaProducer<String, Frame> producer = new KafkaProducer<>(KafkaClientConfig.producer(client, maxFrameBytes),
                         new StringSerializer(), VisionSerdes.frame().serializer())) {
                service.runner().awaitRunning(Duration.ofSeconds(60));
                Map<Long, Long> sentAt = new HashMap<>();
                // warm-up: fills the pipeline, JIT-compiles the paths, forms the first transactions
                sendAll(producer, jpegs, 0, warmup, topics.frames(), sentAt);
                if (!tail.awaitCount(topics.detections(), warmup, Duration.ofMinutes(2))) {
                    throw new IllegalStateException("warm-up results did not arrive");
                }
                long start = System.nanoTime();
                sendAll(producer, jpegs, warmup, jpegs.size(), topics.frames(), sentAt);
                if (!tail.awaitCount(topics.detections(), jpegs.size(), Duration.ofMinutes(10))) {
                    throw new IllegalStateException("only " + tail.count(topics.detections()) + " of " + jpegs.size()
                            + " results arrived (dead letters: " + tail.count(topics.deadLetter()) + ")");
                }
                long last = 0;
                List<Double> lat = new ArrayList<>();
                double batchSum = 0;
                for (long seq = warmup; seq < jpegs.size(); seq++) {
                    long r = receivedAt.get(seq);
                    last = Math.max(last, r);
                    lat.add((r - sentAt.get(seq)) / 1e6);
                    batchSum += batchOf.get(seq);
                }
                double secs = (last - start) / 1e9;
                double[] stage = new double[5];
                for (long seq = warmup; seq < jpegs.size(); seq++) {
                    long[] st = stagesOf.get(seq);
                    for (int k = 0; k < 5; k++) {
                        stage[k] += st[k] / 1e3 / frames;
                    }
                }
                // per-record stage times inside the stream thread; the rest of a record's life is Kafka
                System.out.printf("end to end, mean per record in the stream thread: decode %.1f ms, pre %.1f ms, "
                        + "queue %.1f ms, infer (whole batch) %.1f ms, post %.1f ms%n", stage[0], stage[1], stage[2],
                        stage[3], stage[4]);
                return new Result(frames / secs, pct(lat, 50), pct(lat, 99), batchSum / frames);
            }
        } finally {
            TempDirs.deleteQuietly(stateDir);
        }
    }

    /** Sends frames [from, to) from {@code partitions} simulated cameras, as fast as the producer takes them. */
    void sendAll(KafkaProducer<String, Frame> producer, List<byte[]> jpegs, int from, int to, String topic,
                         Map<Long, Long> sentAt) {
        for (int i = from; i < to; i++) {
            String source = "cam-" + (i % partitions);
            Frame f = Frame.newBuilder().setSourceId(source).setSequence(i).setCaptureTimestamp(Instant.now())
                    .setEncoding(FrameEncoding.JPEG).setWidth(width).setHeight(height)
                    .setData(ByteBuffer.wrap(jpegs.get(i))).build();
            sentAt.put((long) i, System.nanoTime());
            producer.send(new ProducerRecord<>(topic, source, f));
        }
        producer.flush();
    }

    static double pct(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> l = new ArrayList<>(values);
        l.sort(Double::compare);
        return l.get(Math.max(0, Math.min(l.size() - 1, (int) Math.ceil(p / 100.0 * l.size()) - 1)));
    }
}
