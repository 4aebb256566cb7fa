package io.visionstreams.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.visionstreams.ingest.SyntheticStereoRig;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.ops.TopologyService;
import io.visionstreams.schema.DisparityMap;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.PatchMatches;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.PatchMatchTopology;
import io.visionstreams.topology.StereoHalves;
import io.visionstreams.topology.StereoTopology;

/**
 * {@code demo --task stereo|match}: a synthetic rectified rig on the embedded broker. For stereo,
 * two of every three pairs go as one StereoPair record and the third as left/right halves on their
 * own topics; a few lone halves show UNPAIRED_HALF. Every input is accounted for at the end.
 */
final class PairTaskDemo {

    private PairTaskDemo() {
    }

    static int run(Properties client, int maxFrameBytes, Path stateDir, RunCommand.Task task, PairTaskOptions opts, ServingOptions serving,
                   int width, int height, double fps, int durationSeconds, int partitions, int threads) throws Exception {
        String dead = io.visionstreams.ops.Topics.DEAD_LETTER;
        StereoTopology.Topics st = opts.stereoTopics(dead);
        PatchMatchTopology.Topics mt = opts.matchTopics(dead);
        boolean stereo = task == RunCommand.Task.stereo;
        String results = stereo ? st.disparity() : mt.matches();
        try (Admin admin = Admin.create(client)) {
            TopicAdmin.ensureTopics(admin, stereo ? st.specs(partitions) : mt.specs(partitions), (short) 1, maxFrameBytes);
        }
        TopologyService.Settings s = new TopologyService.Settings("vision-streams-demo-" + task, threads, stateDir, 1, maxFrameBytes);
        Map<String, Long> reasons = new ConcurrentHashMap<>();
        double[] densityOrMatches = new double[1];
        double[] computeMs = new double[1];
        var maps = VisionSerdes.disparityMap();
        var matches = VisionSerdes.patchMatches();
        var dls = VisionSerdes.deadLetter();
        // on a loaded machine one half topic can lag the other by seconds; a roomy window keeps the demo's
        // halves paired, and the lone halves (sent first) still expire while later records move stream time on
        Duration window = Duration.ofMillis(Math.max(opts.pairWindowMs, 5000));
        try (TopologyService service = stereo
                ? TopologyService.stereo(client, s, st, opts.stereoOptions().withPairWindow(window), opts.estimator(serving.runtime, serving.intraOpThreads))
                : TopologyService.match(client, s, mt, opts.matcher(serving.runtime, serving.intraOpThreads));
             TopicTail tail = new TopicTail(client, maxFrameBytes, List.of(results, dead), r -> {
                 if (r.topic().equals(dead)) {
                     reasons.merge(dls.decode(r.value()).getReason(), 1L, Long::sum);
                 } else if (stereo) {
                     DisparityMap m = maps.decode(r.value());
                     densityOrMatches[0] += m.getDensity();
                     computeMs[0] += (m.getLatency().getPreMicros() + m.getLatency().getInferMicros()) / 1000.0;
                 } else {
                     PatchMatches m = matches.decode(r.value());
                     densityOrMatches[0] += m.getMatches().size();
                     computeMs[0] += (m.getLatency().getPreMicros() + m.getLatency().getInferMicros()) / 1000.0;
                 }
             });
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClientConfig.producer(client, 2 * maxFrameBytes),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            service.runner().awaitRunning(Duration.ofSeconds(60));
            int disparity = Math.max(2, Math.min(opts.maxDisparity / 4, width / 8));
            SyntheticStereoRig rig = new SyntheticStereoRig(width, height, disparity, 42L);
            System.out.printf("topology RUNNING; synthetic %dx%d rig (disparity %d/%d px) at %.1f pairs/s for %d s%n",
                    width, height, disparity, 2 * disparity, fps, durationSeconds);
            if (stereo && durationSeconds * 1000L < window.toMillis() + 3000) {
                System.out.println("note: the run is shorter than the pairing window (" + window.toMillis()
                        + " ms) + 3 s, so the lone halves may not be reported before it ends");
            }
            long inputs = 0;
            long lone = 0;
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(durationSeconds).toNanos();
            long nextPrint = start + 1_000_000_000L;
            for (long i = 0; System.nanoTime() < end; i++) {
                StereoPair p = rig.pair("demo-rig", i, Instant.now());
                if (stereo && i % 3 == 2) {
                    Frame l = withRig(p.getLeft());
                    Frame r = withRig(p.getRight());
                    send(producer, st.left(), "cam-left", VisionSerdes.frame().encode(l));
                    // early on, drop two right halves to show UNPAIRED_HALF; later halves move stream time on
                    if (i == 2 || i == 5) {
                        lone++;
                    } else {
                        send(producer, st.right(), "cam-right", VisionSerdes.frame().encode(r));
                    }
                } else {
                    send(producer, stereo ? st.pairs() : mt.pairs(), "demo-rig", VisionSerdes.stereoPair().encode(p));
                }
                inputs++;
                Thread.sleep((long) (1000 / fps));
                if (System.nanoTime() >= nextPrint) {
                    System.out.printf("[%5.1fs] pairs %4d | %s %4d | dead-letter %3d %s%n", (System.nanoTime() - start) / 1e9,
                            inputs, results, tail.count(results), tail.count(dead), new TreeMap<>(reasons));
                    nextPrint += 1_000_000_000L;
                }
            }
            producer.flush();
            System.out.println("rig stopped; waiting for the last results ...");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tail.count(results) + tail.count(dead) < inputs && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long out = tail.count(results);
            System.out.println();
            System.out.println("== final summary ==");
            System.out.printf("pairs produced: %d (%d sent as halves with the right half missing)%n", inputs, lone);
            System.out.printf("topic %-14s %6d records (%s %.2f, mean %s %.1f ms per pair)%n", results, out,
                    stereo ? "mean density" : "mean matches", out == 0 ? 0 : densityOrMatches[0] / out,
                    stereo ? opts.stereoMethod : opts.matchMethod, out == 0 ? 0 : computeMs[0] / out);
            System.out.printf("topic %-14s %6d records, by reason %s%n", dead, tail.count(dead), new TreeMap<>(reasons));
            long total = out + tail.count(dead);
            System.out.println(total == inputs ? "every pair accounted for: " + total + " results for " + inputs + " pairs"
                    : "MISMATCH: " + total + " results for " + inputs + " pairs");
            return total == inputs ? 0 : 1;
        }
    }

    private static Frame withRig(Frame f) {
        f.setMetadata(Map.of(StereoHalves.RIG, "demo-rig", StereoHalves.RECTIFIED, "true",
                StereoHalves.FOCAL_LENGTH_PX, String.valueOf(f.getWidth()), StereoHalves.BASELINE_M, "0.1"));
        return f;
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
    }
}
