package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Tensor;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.stylization.StyleNetCost;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.models.stylization.StyleSpec;
import io.visionstreams.models.stylization.StylizationTranslator;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TempDirs;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.ops.TopologyService;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.StylizedFrame;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.StyleTopology;

/**
 * {@code bench stylize}: the stylisation topology end to end through the embedded broker versus bare
 * ONNX Runtime on the same model, frames and style, in one process (the detection benchmark's
 * machinery: same frames, warm-up, percentiles, camera keys). Adds the network's FLOPs per frame and
 * the GFLOP/s each variant achieved, so a miss can be told apart from a slow machine.
 */
final class StyleBench {

    private final BenchCommand b;

    StyleBench(BenchCommand bench) {
        this.b = bench;
    }

    int run() throws Exception {
        List<byte[]> jpegs = b.render(b.warmup + b.frames);
        System.out.printf("frames: %d measured + %d warm-up, %dx%d JPEG, avg %d KB%n", b.frames, b.warmup, b.width, b.height,
                jpegs.stream().mapToInt(x -> x.length).sum() / jpegs.size() / 1024);
        StylizerDeployment.Settings settings = b.styleTask.settings(b.serving);
        BenchCommand.Result inferOnly;
        BenchCommand.Result bare;
        StyleSelection style;
        long flops;
        String model;
        try (StylizerDeployment d = StylizerDeployment.open(settings)) {
            style = b.styleTask.defaultStyle(d.stylizer());
            StylizationTranslator tr = d.stylizer().translator();
            StylizationTranslator.Geometry g = tr.geometry(b.width, b.height);
            flops = StyleNetCost.convFlops(g.netWidth(), g.netHeight(), d.model().descriptor().stylization().width());
            model = d.model().descriptor().name() + ":" + d.model().descriptor().version();
            System.out.printf("model %s on %s, style %s, network input %dx%d: %.2f GFLOP per frame (convolutions)%n",
                    model, d.session().runtimeName(), style, g.netWidth(), g.netHeight(), flops / 1e9);
            inferOnly = bareOrt(d, jpegs, style, true);
            bare = bareOrt(d, jpegs, style, false);
        }
        BenchCommand.Result e2e = endToEnd(jpegs, style);

        System.out.println();
        System.out.printf("%-46s %10s %10s %10s %10s%n", "stylize " + b.width + "x" + b.height + ", " + model, "frames/s",
                "p50 ms", "p99 ms", "GFLOP/s");
        print("bare ORT: inference only, batch " + b.serving.maxBatch, inferOnly, flops);
        print("bare ORT: decode+pre+infer+post+encode, batch " + b.serving.maxBatch, bare, flops);
        print("end to end via Kafka (EOS v2)", e2e, flops);
        System.out.printf("ratio end-to-end / bare (decode..encode): %.2f%n", e2e.fps() / bare.fps());
        System.out.printf("ratio end-to-end / inference only:        %.2f%n", e2e.fps() / inferOnly.fps());
        System.out.printf("mean batch formed end to end: %.2f%n", e2e.meanBatch());
        return 0;
    }

    private static void print(String name, BenchCommand.Result r, long flops) {
        System.out.printf("%-46s %10.2f %10.1f %10.1f %10.1f%n", name, r.fps(), r.p50(), r.p99(), r.fps() * flops / 1e9);
    }

    /** The topology's work minus Kafka on one thread with full batches of the same size (and encoding to the output format). */
    private BenchCommand.Result bareOrt(StylizerDeployment d, List<byte[]> jpegs, StyleSelection style, boolean inferenceOnly)
            throws Exception {
        StylizationTranslator tr = d.stylizer().translator();
        StyleSpec spec = tr.spec();
        InferenceSession session = d.session();
        int batch = b.serving.maxBatch;
        StylizationTranslator.Geometry g = tr.geometry(b.width, b.height);
        int per = 3 * g.netWidth() * g.netHeight();
        int s = spec.styles().size();
        List<float[]> pre = new ArrayList<>();
        if (inferenceOnly) { // tensors prepared outside the timed loop
            for (byte[] jpg : jpegs) {
                Image img = ImageCodec.decodeRgb(FrameEncoding.JPEG, jpg, 0, 0, ImageLimits.defaults());
                pre.add(tr.preprocess(img, g, style).get(spec.inputName()).floats());
            }
        }
        List<Double> latencies = new ArrayList<>();
        long start = 0;
        for (int i = 0; i < jpegs.size(); i += batch) {
            if (i == b.warmup - b.warmup % batch) {
                start = System.nanoTime();
                latencies.clear();
            }
            long t0 = System.nanoTime();
            int n = Math.min(batch, jpegs.size() - i);
            float[] images = new float[n * per];
            float[] weights = new float[n * s];
            for (int k = 0; k < n; k++) {
                float[] x = inferenceOnly ? pre.get(i + k) : tr.preprocess(
                        ImageCodec.decodeRgb(FrameEncoding.JPEG, jpegs.get(i + k), 0, 0, ImageLimits.defaults()), g, style)
                        .get(spec.inputName()).floats();
                System.arraycopy(x, 0, images, k * per, per);
                System.arraycopy(style.weights(), 0, weights, k * s, s);
            }
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put(spec.inputName(), Tensor.ofFloats(new long[] {n, 3, g.netHeight(), g.netWidth()}, images));
            in.put(spec.weightsInput(), Tensor.ofFloats(new long[] {n, s}, weights));
            Map<String, Tensor> out = session.run(in);
            if (!inferenceOnly) {
                float[] y = out.get(spec.outputName()).floats();
                for (int k = 0; k < n; k++) {
                    Tensor one = Tensor.ofFloats(new long[] {3, g.netHeight(), g.netWidth()},
                            Arrays.copyOfRange(y, k * per, (k + 1) * per));
                    tr.encode(tr.postprocess(one, g));
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            for (int k = 0; k < n; k++) {
                latencies.add(ms);
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return new BenchCommand.Result(latencies.size() / secs, BenchCommand.pct(latencies, 50),
                BenchCommand.pct(latencies, 99), batch);
    }

    private BenchCommand.Result endToEnd(List<byte[]> jpegs, StyleSelection style) throws Exception {
        int maxFrameBytes = KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES;
        StyleTopology.Topics topics = b.styleTask.topics(io.visionstreams.ops.Topics.FRAMES,
                io.visionstreams.ops.Topics.DEAD_LETTER);
        Path stateDir = Files.createTempDirectory("vision-streams-bench-");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(2 * maxFrameBytes), false)) {
            Properties client = new Properties();
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            Properties streamsClient = new Properties();
            streamsClient.putAll(client);
            streamsClient.putAll(b.streamsProperties);
            try (Admin admin = Admin.create(client)) {
                TopicAdmin.ensureTopics(admin, topics.specs(b.partitions), (short) 1, maxFrameBytes);
            }
            var serde = VisionSerdes.stylizedFrame();
            Map<Long, Long> receivedAt = new ConcurrentHashMap<>();
            Map<Long, Integer> batchOf = new ConcurrentHashMap<>();
            Map<Long, long[]> stagesOf = new ConcurrentHashMap<>();
            TopologyService.Settings s = new TopologyService.Settings("vision-streams-bench-stylize", b.streamThreads,
                    stateDir, 1, maxFrameBytes);
            StylizerDeployment deployment = StylizerDeployment.open(b.styleTask.settings(b.serving));
            try (TopologyService service = TopologyService.stylize(streamsClient, s, topics, deployment, style);
                 TopicTail tail = new TopicTail(client, 2 * maxFrameBytes, List.of(topics.stylized(), topics.deadLetter()), r -> {
                     if (r.topic().equals(topics.stylized())) {
                         StylizedFrame f = serde.decode(r.value());
                         long seq = f.getSource().getSequence();
                         receivedAt.put(seq, System.nanoTime());
                         var l = f.getLatency();
                         batchOf.put(seq, l.getBatchSize());
                         stagesOf.put(seq, new long[] {l.getDecodeMicros(), l.getPreMicros(), l.getQueueMicros(),
                                 l.getInferMicros(), l.getPostMicros()});
                     }
                 });
                 KafkaProducer<String, Frame> producer = new KafkaProducer<>(KafkaClientConfig.producer(client, maxFrameBytes),
                         new StringSerializer(), VisionSerdes.frame().serializer())) {
                service.runner().awaitRunning(Duration.ofSeconds(60));
                Map<Long, Long> sentAt = new HashMap<>();
                b.sendAll(producer, jpegs, 0, b.warmup, topics.frames(), sentAt);
                if (!tail.awaitCount(topics.stylized(), b.warmup, Duration.ofMinutes(5))) {
                    throw new IllegalStateException("warm-up results did not arrive");
                }
                long start = System.nanoTime();
                b.sendAll(producer, jpegs, b.warmup, jpegs.size(), topics.frames(), sentAt);
                if (!tail.awaitCount(topics.stylized(), jpegs.size(), Duration.ofMinutes(20))) {
                    throw new IllegalStateException("only " + tail.count(topics.stylized()) + " of " + jpegs.size()
                            + " results arrived (dead letters: " + tail.count(topics.deadLetter()) + ")");
                }
                long last = 0;
                List<Double> lat = new ArrayList<>();
                double batchSum = 0;
                double[] stage = new double[5];
                for (long seq = b.warmup; seq < jpegs.size(); seq++) {
                    long r = receivedAt.get(seq);
                    last = Math.max(last, r);
                    lat.add((r - sentAt.get(seq)) / 1e6);
                    batchSum += batchOf.get(seq);
                    long[] st = stagesOf.get(seq);
                    for (int k = 0; k < 5; k++) {
                        stage[k] += st[k] / 1e3 / b.frames;
                    }
                }
                System.out.printf("end to end, mean per record in the stream thread: decode %.1f ms, pre %.1f ms, "
                        + "queue %.1f ms, infer (whole batch) %.1f ms, post+encode %.1f ms%n", stage[0], stage[1], stage[2],
                        stage[3], stage[4]);
                return new BenchCommand.Result(b.frames / ((last - start) / 1e9), BenchCommand.pct(lat, 50),
                        BenchCommand.pct(lat, 99), batchSum / b.frames);
            }
        } finally {
            TempDirs.deleteQuietly(stateDir);
        }
    }
}
