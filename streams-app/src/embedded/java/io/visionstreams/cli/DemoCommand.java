package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

import io.visionstreams.ingest.EncodedFrame;
import io.visionstreams.ingest.FrameProducer;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.ops.DetectionService;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TempDirs;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.DetectionTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Everything on one machine: an in-JVM Kafka broker, the topics, every topology, a synthetic camera
 * producing frames (with a few deliberately broken ones, so the dead-letter path is visible), and a
 * consumer printing a one-line summary per second.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole system locally: embedded Kafka, topologies, a synthetic camera, live summary.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "20", description = "Seconds to produce frames (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--fps", defaultValue = "10", description = "Synthetic camera frame rate (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--width", defaultValue = "640") int width;
    @Option(names = "--height", defaultValue = "480") int height;

    @Option(names = "--bad-every", defaultValue = "40",
            description = "Every Nth frame is deliberately corrupted (0 = never) to show the dead-letter topic (default: ${DEFAULT-VALUE}).")
    int badEvery;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the frame topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--stream-threads", defaultValue = "4", description = "Kafka Streams threads (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--task", defaultValue = "detection",
            description = "What to demonstrate: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Task task;

    @Mixin
    ServingOptions serving;

    @Mixin
    PairTaskOptions pairTask;

    @Mixin
    StyleTaskOptions styleTask;

    @Override
    public Integer call() throws Exception {
        int maxFrameBytes = KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES;
        if (task == RunCommand.Task.stylize) {
            return styleTaskDemo(maxFrameBytes);
        }
        if (task != RunCommand.Task.detection) {
            return pairTaskDemo(maxFrameBytes);
        }
        DetectionTopology.Topics topics = DetectionTopology.Topics.defaults();
        List<String> allTopics = List.of(topics.frames(), topics.detections(), topics.deadLetter());
        Path stateDir = Files.createTempDirectory("vision-streams-demo-");
        System.out.println("starting embedded Kafka ...");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(maxFrameBytes), false)) {
            Properties client = new Properties();
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin admin = Admin.create(client)) {
                TopicAdmin.ensureTopics(admin, topics.specs(partitions), (short) 1, maxFrameBytes);
            }
            System.out.println("kafka at " + kafka.bootstrapServers() + "; topics " + allTopics);
            Stats stats = new Stats();
            AvroSerde<Detections> detSerde = VisionSerdes.detections();
            AvroSerde<DeadLetter> dlSerde = VisionSerdes.deadLetter();
            DetectionService.Settings settings = new DetectionService.Settings("vision-streams-demo", streamThreads,
                    stateDir, 1, maxFrameBytes, topics);
            DetectorDeployment deployment = DetectorDeployment.open(serving.settings());
            var model = deployment.model().descriptor();
            System.out.println("model " + model.name() + ":" + model.version() + " on " + deployment.session().runtimeName()
                    + (Boolean.TRUE.equals(model.trained()) ? ""
                    : " (an UNTRAINED placeholder with the final I/O contract: expect few or no detections)"));
            try (DetectionService service = DetectionService.start(client, settings, deployment);
                 TopicTail tail = new TopicTail(client, maxFrameBytes, allTopics, r -> {
                     if (r.topic().equals(topics.detections())) {
                         stats.onDetections(detSerde.decode(r.value()));
                     } else if (r.topic().equals(topics.deadLetter())) {
                         stats.onDeadLetter(dlSerde.decode(r.value()));
                     }
                 })) {
                service.runner().awaitRunning(Duration.ofSeconds(60));
                System.out.println("topology RUNNING; producing " + width + "x" + height + " frames at " + fps
                        + " fps for " + durationSeconds + " s");
                produce(client, maxFrameBytes, topics.frames(), tail, topics, stats);
                long produced = stats.produced.get();
                System.out.println("camera stopped; waiting for the last results ...");
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (tail.count(topics.detections()) + tail.count(topics.deadLetter()) < produced
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                printFinal(stats, tail, topics, produced);
                long outputs = tail.count(topics.detections()) + tail.count(topics.deadLetter());
                return outputs == produced ? 0 : 1;
            }
        } finally {
            TempDirs.deleteQuietly(stateDir);
        }
    }

    private int pairTaskDemo(int maxFrameBytes) throws Exception {
        Path stateDir = Files.createTempDirectory("vision-streams-demo-");
        System.out.println("starting embedded Kafka ...");
        // stereo and image-pair records carry two frames
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(2 * maxFrameBytes), false)) {
            Properties client = new Properties();
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            return PairTaskDemo.run(client, maxFrameBytes, stateDir, task, pairTask, serving, width, height, fps, durationSeconds,
                    partitions, streamThreads);
        } finally {
            TempDirs.deleteQuietly(stateDir);
        }
    }

    private int styleTaskDemo(int maxFrameBytes) throws Exception {
        Path stateDir = Files.createTempDirectory("vision-streams-demo-");
        System.out.println("starting embedded Kafka ...");
        // a stylised PNG can outgrow its JPEG frame: records get room for two frames
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(2 * maxFrameBytes), false)) {
            Properties client = new Properties();
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            return StyleTaskDemo.run(client, maxFrameBytes, stateDir, styleTask, serving, width, height, fps,
                    durationSeconds, partitions, streamThreads);
        } finally {
            TempDirs.deleteQuietly(stateDir);
        }
    }

    private void produce(Properties client, int maxFrameBytes, String topic, TopicTail tail,
                         DetectionTopology.Topics topics, Stats stats) throws InterruptedException {
        SyntheticCamera camera = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(width, height));
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(durationSeconds).toNanos();
        long nextPrint = start + 1_000_000_000L;
        try (FrameProducer producer = FrameProducer.create(client,
                new FrameProducer.Options(topic, "synthetic-cam-1", fps, maxFrameBytes))) {
            for (long i = 0; System.nanoTime() < end; i++) {
                EncodedFrame f = camera.frame(i);
                if (badEvery > 0 && i % badEvery == badEvery - 1) {
                    f = corrupt(f, i);
                    stats.corrupted.incrementAndGet();
                }
                producer.send(f); // paced to --fps
                stats.produced.incrementAndGet();
                if (System.nanoTime() >= nextPrint) {
                    stats.printLine(start, tail, topics);
                    nextPrint += 1_000_000_000L;
                }
            }
            producer.flush();
        }
    }

    /** Alternates the kinds of damage a real camera link produces. */
    static EncodedFrame corrupt(EncodedFrame f, long i) {
        byte[] d = f.data();
        return switch ((int) ((i / 40) % 3)) {
            case 0 -> new EncodedFrame(f.name() + "(truncated)", f.encoding(), f.width(), f.height(),
                    Arrays.copyOf(d, d.length / 2));
            case 1 -> new EncodedFrame(f.name() + "(garbage)", f.encoding(), f.width(), f.height(),
                    new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            default -> new EncodedFrame(f.name() + "(wrong size)", f.encoding(), f.width() + 16, f.height(), d);
        };
    }

    private static void printFinal(Stats stats, TopicTail tail, DetectionTopology.Topics t, long produced) {
        List<String> topics = List.of(t.frames(), t.detections(), t.deadLetter());
        System.out.println();
        System.out.println("== final summary ==");
        System.out.printf("frames produced: %d (%d deliberately corrupted)%n", produced, stats.corrupted.get());
        for (String name : topics) {
            System.out.printf("topic %-12s %6d records%n", name, tail.count(name));
        }
        System.out.printf("dead letters by reason: %s%n", new TreeMap<>(stats.reasons));
        System.out.printf("detections per label: %s%n", new TreeMap<>(stats.labels));
        System.out.printf("end-to-end latency ms: p50 %.1f  p99 %.1f; mean batch size %.2f%n",
                stats.percentile(50), stats.percentile(99), stats.meanBatch());
        long outputs = tail.count(t.detections()) + tail.count(t.deadLetter());
        System.out.println(outputs == produced ? "every frame accounted for: " + outputs + " results for " + produced + " frames"
                : "MISMATCH: " + outputs + " results for " + produced + " frames");
    }


    /** Live counters fed by the tail consumer. */
    static final class Stats {
        final AtomicLong produced = new AtomicLong();
        final AtomicLong corrupted = new AtomicLong();
        final AtomicLong batchSum = new AtomicLong();
        final AtomicLong results = new AtomicLong();
        final Map<String, Long> reasons = new ConcurrentHashMap<>();
        final Map<String, Long> labels = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Double> latenciesMs = new ConcurrentLinkedQueue<>();
        long lastResults;

        void onDetections(Detections d) {
            results.incrementAndGet();
            batchSum.addAndGet(d.getLatency().getBatchSize());
            latenciesMs.add((System.currentTimeMillis() - d.getSource().getCaptureTimestamp().toEpochMilli()) * 1.0);
            d.getDetections().forEach(x -> labels.merge(x.getLabel(), 1L, Long::sum));
        }

        void onDeadLetter(DeadLetter dl) {
            reasons.merge(dl.getReason(), 1L, Long::sum);
        }

        double meanBatch() {
            long n = results.get();
            return n == 0 ? 0 : batchSum.get() / (double) n;
        }

        double percentile(double p) {
            List<Double> l = new ArrayList<>(latenciesMs);
            if (l.isEmpty()) {
                return Double.NaN;
            }
            l.sort(Double::compare);
            return l.get(Math.min(l.size() - 1, (int) Math.ceil(p / 100.0 * l.size()) - 1));
        }

        void printLine(long startNanos, TopicTail tail, DetectionTopology.Topics t) {
            long r = tail.count(t.detections());
            double secs = (System.nanoTime() - startNanos) / 1e9;
            System.out.printf("[%5.1fs] produced %5d | detections %5d (+%d/s) | dead-letter %3d | latency p50 %.0f ms | batch %.2f%n",
                    secs, produced.get(), r, r - lastResults, tail.count(t.deadLetter()), percentile(50), meanBatch());
            lastResults = r;
        }
    }
}
