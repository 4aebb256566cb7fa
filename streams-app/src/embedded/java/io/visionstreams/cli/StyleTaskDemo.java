package io.visionstreams.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.kafka.clients.admin.Admin;

import io.visionstreams.ingest.EncodedFrame;
import io.visionstreams.ingest.FrameProducer;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.ops.TopologyService;
import io.visionstreams.schema.StylizedFrame;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.StyleTopology;

/**
 * {@code demo --task stylize}: a synthetic camera on the embedded broker whose frames ask for the
 * model's styles in turn through {@code Frame.metadata["style"]}, every fifth for a 50/50 blend of the
 * first two through {@code style.weights}, and two for styles that cannot be served (shown on the
 * dead-letter topic). Every frame is accounted for at the end.
 */
final class StyleTaskDemo {

    private StyleTaskDemo() {
    }

    static int run(Properties client, int maxFrameBytes, Path stateDir, StyleTaskOptions opts, ServingOptions serving,
                   int width, int height, double fps, int durationSeconds, int partitions, int threads) throws Exception {
        String dead = io.visionstreams.ops.Topics.DEAD_LETTER;
        StyleTopology.Topics topics = opts.topics(io.visionstreams.ops.Topics.FRAMES, dead);
        try (Admin admin = Admin.create(client)) {
            TopicAdmin.ensureTopics(admin, topics.specs(partitions), (short) 1, maxFrameBytes);
        }
        TopologyService.Settings s = new TopologyService.Settings("vision-streams-demo-stylize", threads, stateDir, 1,
                maxFrameBytes);
        StylizerDeployment deployment = StylizerDeployment.open(opts.settings(serving));
        StyleSelection defaultStyle = opts.defaultStyle(deployment.stylizer());
        List<String> styles = deployment.stylizer().translator().spec().styles();
        var model = deployment.model().descriptor();
        System.out.println("model " + model.name() + ":" + model.version() + " styles " + styles + " on "
                + deployment.session().runtimeName() + "; default style " + defaultStyle);
        Map<String, Long> reasons = new ConcurrentHashMap<>();
        Map<String, Long> byStyle = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Double> latencyMs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> batches = new ConcurrentLinkedQueue<>();
        var stylized = VisionSerdes.stylizedFrame();
        var dls = VisionSerdes.deadLetter();
        try (TopologyService service = TopologyService.stylize(client, s, topics, deployment, defaultStyle);
             TopicTail tail = new TopicTail(client, 2 * maxFrameBytes, List.of(topics.stylized(), dead), r -> {
                 if (r.topic().equals(dead)) {
                     reasons.merge(dls.decode(r.value()).getReason(), 1L, Long::sum);
                 } else {
                     StylizedFrame f = stylized.decode(r.value());
                     byStyle.merge(new TreeMap<>(f.getStyleWeights()).toString(), 1L, Long::sum);
                     latencyMs.add((double) (System.currentTimeMillis() - f.getSource().getCaptureTimestamp().toEpochMilli()));
                     batches.add(f.getLatency().getBatchSize());
                 }
             });
             FrameProducer producer = FrameProducer.create(client,
                     new FrameProducer.Options(topics.frames(), "synthetic-cam-1", fps, maxFrameBytes))) {
            service.runner().awaitRunning(Duration.ofSeconds(60));
            System.out.printf("topology RUNNING; producing %dx%d frames at %.1f fps for %d s%n", width, height, fps,
                    durationSeconds);
            SyntheticCamera camera = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(width, height));
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(durationSeconds).toNanos();
            long nextPrint = start + 1_000_000_000L;
            long produced = 0;
            for (long i = 0; System.nanoTime() < end; i++) {
                EncodedFrame f = camera.frame(i);
                producer.send(new EncodedFrame(f.name(), f.encoding(), f.width(), f.height(), f.data(),
                        styleRequest(i, styles)));
                produced++;
                if (System.nanoTime() >= nextPrint) {
                    System.out.printf("[%5.1fs] produced %4d | %s %4d | dead-letter %3d %s%n", (System.nanoTime() - start) / 1e9,
                            produced, topics.stylized(), tail.count(topics.stylized()), tail.count(dead), new TreeMap<>(reasons));
                    nextPrint += 1_000_000_000L;
                }
            }
            producer.flush();
            System.out.println("camera stopped; waiting for the last results ...");
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (tail.count(topics.stylized()) + tail.count(dead) < produced && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long out = tail.count(topics.stylized());
            System.out.println();
            System.out.println("== final summary ==");
            System.out.printf("frames produced: %d (2 asking for styles that cannot be served)%n", produced);
            System.out.printf("topic %-16s %6d records, by style %s%n", topics.stylized(), out, new TreeMap<>(byStyle));
            System.out.printf("topic %-16s %6d records, by reason %s%n", dead, tail.count(dead), new TreeMap<>(reasons));
            System.out.printf("end-to-end latency ms: p50 %.0f  p99 %.0f; mean batch size %.2f%n", percentile(latencyMs, 50),
                    percentile(latencyMs, 99), batches.stream().mapToInt(Integer::intValue).average().orElse(0));
            long total = out + tail.count(dead);
            System.out.println(total == produced ? "every frame accounted for: " + total + " results for " + produced + " frames"
                    : "MISMATCH: " + total + " results for " + produced + " frames");
            return total == produced ? 0 : 1;
        }
    }

    /** Styles in turn, a blend every fifth frame, and two requests the model cannot serve. */
    static Map<String, String> styleRequest(long i, List<String> styles) {
        if (i == 3) {
            return Map.of(StyleTopology.STYLE_KEY, "no_such_style");
        }
        if (i == 7) {
            return Map.of(StyleTopology.WEIGHTS_KEY, styles.get(0) + "=-1");
        }
        if (i % 5 == 4 && styles.size() > 1) {
            return Map.of(StyleTopology.WEIGHTS_KEY, styles.get(0) + "=0.5," + styles.get(1) + "=0.5");
        }
        return Map.of(StyleTopology.STYLE_KEY, styles.get((int) (i % styles.size())));
    }

    private static double percentile(ConcurrentLinkedQueue<Double> values, double p) {
        List<Double> l = new ArrayList<>(values);
        if (l.isEmpty()) {
            return Double.NaN;
        }
        l.sort(Double::compare);
        return l.get(Math.min(l.size() - 1, (int) Math.ceil(p / 100.0 * l.size()) - 1));
    }
}
