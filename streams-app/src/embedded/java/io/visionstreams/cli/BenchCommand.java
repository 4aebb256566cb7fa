package io.visionstreams.cli;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.ops.ChildKafkaBroker;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TempDirs;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.VisionSerdes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A topology end to end through the embedded broker versus bare ONNX Runtime on the same model and
 * frames, in one process (the broker too, or in a child JVM with {@code --broker child}, so that this process's
 * CPU is the instance's alone). The machine is shared and its load drifts, so the variants run interleaved
 * in rounds (the order reversed every other round, so neither side always runs first), and what is
 * reported is the per-round ratio to the bare baseline: its median and its range. Process CPU time per
 * frame is given too: unlike wall time it does not count other processes' time.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark a topology end to end (embedded Kafka) against bare ONNX Runtime on the same model and frames.")
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", defaultValue = "detection", description = "What to benchmark: detection or stylize.")
    String what;

    @Option(names = "--frames", defaultValue = "200", description = "Measured frames per variant and round (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--warmup", defaultValue = "80", description = "Warm-up frames per variant before the rounds (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--latency-frames", defaultValue = "60",
            description = "Frames of the paced latency run after the rounds, sent at half the measured end-to-end rate "
                    + "(at most 30 s of them; 0 = skip) (default: ${DEFAULT-VALUE}).")
    int latencyFrames;

    @Option(names = "--width", defaultValue = "640") int width;
    @Option(names = "--height", defaultValue = "480") int height;

    @Option(names = "--partitions", defaultValue = "8", description = "Frame topic partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--stream-threads", defaultValue = "8",
            description = "Stream threads; bounds the batch the batcher can form (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--e2e-intra-op-threads", defaultValue = "-1",
            description = "ONNX Runtime intra-op threads of the end-to-end service; -1 = as --intra-op-threads (default: ${DEFAULT-VALUE}).")
    int e2eIntraOpThreads;

    @Option(names = "--streams-property", paramLabel = "KEY=VALUE",
            description = "Extra Kafka Streams/client property for the end-to-end run, e.g. commit.interval.ms=500 (repeatable).")
    Map<String, String> streamsProperties = new HashMap<>();

    @Option(names = "--scales", split = ",", description = "bench stylize: also measure these downscale factors "
            + "(bare, and end to end with the per-record 'style.scale' header), e.g. 0.5,0.35.")
    List<Double> scales = new ArrayList<>();

    @Option(names = "--broker", defaultValue = "in-process",
            description = "Where the embedded broker runs: in-process (in this JVM, sharing its CPU accounting) or child "
                    + "(a child JVM, so this process holds only the service and the bench's clients, as an instance with "
                    + "a real broker does) (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--broker-java-opts", defaultValue = "-Xmx1g",
            description = "JVM options of the child broker (--broker child), space-separated (default: ${DEFAULT-VALUE}).")
    String brokerJavaOpts;

    @Spec
    CommandSpec spec;

    @Mixin
    ServingOptions serving;

    @Mixin
    StyleTaskOptions styleTask;

    /** The frames every variant processes, cycled: frame index i is {@code jpegs.get(i % size)}. */
    List<byte[]> jpegs;

    /**
     * One variant in one round; {@code cpuByGroup}: CPU ms per frame by thread group (end to end only);
     * {@code brokerCpuMsPerFrame}: the child broker's CPU per frame (NaN when the broker is in this process or bare).
     */
    record Measure(double fps, double cpuMsPerFrame, double load, List<Double> latencies, List<BenchWorkload.Output> outputs,
                   Map<String, Double> cpuByGroup, Map<String, Double> cpuByOsThread, double brokerCpuMsPerFrame) {
    }

    /** Java threads that are Kafka's but not stream threads: the broker's when it runs in this process, client I/O. */
    static final String KAFKA_THREADS = "broker (if in-process) and other Kafka threads";

    /**
     * Thread groups that CPU time is attributed to; what no Java thread accounts for is the JIT compilers, the GC
     * workers and the native pools (ORT, OpenCV), split by name in the /proc breakdown.
     */
    static String threadGroup(String name) {
        if (name.contains("StreamThread")) {
            return "stream threads (consume, decode, pre, post, produce)";
        }
        if (name.startsWith("batcher-")) {
            return "batcher (stacking, ORT run on its thread)";
        }
        if (name.equals("main") || name.equals("topic-tail") || name.contains("producer-network-thread")) {
            return "bench client (producer, result consumer)";
        }
        return KAFKA_THREADS;
    }

    static Map<Long, Long> threadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            long t = mx.getThreadCpuTime(id);
            if (t >= 0) {
                out.put(id, t);
            }
        }
        return out;
    }

    /** Bytes allocated on the Java heap by all live threads so far (what the garbage collector has to clean up). */
    static long allocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** Milliseconds the collectors reported so far (pauses and concurrent cycles as the JVM counts them). */
    static long gcMillis() {
        long sum = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** JIT compiler threads' CPU per frame in a measure, from the /proc breakdown. */
    static double jitCpu(Measure m) {
        return m.cpuByOsThread().entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    static double withoutJit(Measure m) {
        return m.cpuMsPerFrame() - jitCpu(m);
    }

    /** End to end CPU per frame less the in-process broker, the bench's producer and consumer, and the JIT. */
    static double instanceCpu(Measure m) {
        double broker = m.cpuByGroup().entrySet().stream()
                .filter(e -> e.getKey().equals(KAFKA_THREADS) || e.getKey().startsWith("bench client"))
                .mapToDouble(Map.Entry::getValue).sum();
        return withoutJit(m) - broker;
    }

    /** Milliseconds the JIT compilers have spent so far (-1 where the JVM does not say). */
    static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    static Map<String, Double> cpuByGroup(Map<Long, Long> before, Map<Long, Long> after, long processNanos, int frames) {
        var mx = ManagementFactory.getThreadMXBean();
        Map<String, Double> out = new java.util.TreeMap<>();
        long java = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            var info = mx.getThreadInfo(e.getKey());
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (info == null || d <= 0) {
                continue;
            }
            java += d;
            out.merge(threadGroup(info.getThreadName()), d / 1e6 / frames, Double::sum);
        }
        out.put("not Java threads (JIT compilers, GC workers, ORT pool, OpenCV)", Math.max(0, processNanos - java) / 1e6 / frames);
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (!what.equals("detection") && !what.equals("stylize")) {
            System.err.println("unknown benchmark '" + what + "' (available: detection, stylize)");
            return 2;
        }
        if (!broker.equals("in-process") && !broker.equals("child")) {
            throw new ParameterException(spec.commandLine(), "unknown --broker '" + broker + "' (available: in-process, child)");
        }
        jpegs = render(Math.max(frames, serving.maxBatch));
        System.out.printf(Locale.ROOT, "frames: %d distinct %dx%d JPEG (avg %d KB); %d rounds of %d frames per variant after "
                        + "%d warm-up; broker %s; JVM %s; load average %s%n", jpegs.size(), width, height,
                jpegs.stream().mapToInt(b -> b.length).sum() / jpegs.size() / 1024, rounds, frames, warmup,
                childBroker() ? "in a child JVM" : "in this process",
                ManagementFactory.getRuntimeMXBean().getInputArguments(), loadAverage());
        try (BenchWorkload w = what.equals("stylize") ? new StyleBenchWorkload(this) : new DetectionBenchWorkload(this)) {
            run(w);
            w.report();
        }
        return 0;
    }

    boolean childBroker() {
        return broker.equals("child");
    }

    private void run(BenchWorkload w) throws Exception {
        int nb = w.bareVariants().size();
        int ne = w.endToEndVariants().size();
        List<List<Measure>> bare = new ArrayList<>();
        List<List<Measure>> e2e = new ArrayList<>();
        for (int v = 0; v < nb; v++) {
            bare.add(new ArrayList<>());
        }
        for (int v = 0; v < ne; v++) {
            e2e.add(new ArrayList<>());
        }
        try (EndToEnd rig = new EndToEnd(w)) {
            for (int v = 0; v < nb; v++) {
                w.runBare(v, 0, warmup, new ArrayList<>());
            }
            for (int v = 0; v < ne; v++) {
                rig.burst(v, warmup);
            }
            for (int r = 0; r < rounds; r++) {
                // ABBA: bare first in even rounds, end to end first in odd ones, so order effects cancel
                List<Runnable> steps = new ArrayList<>();
                for (int v = 0; v < nb; v++) {
                    int vv = v;
                    steps.add(() -> bare.get(vv).add(bareRound(w, vv)));
                }
                for (int v = 0; v < ne; v++) {
                    int vv = v;
                    steps.add(() -> e2e.get(vv).add(rig.burst(vv, frames)));
                }
                if (r % 2 == 1) {
                    java.util.Collections.reverse(steps);
                }
                steps.forEach(Runnable::run);
                System.out.printf(Locale.ROOT, "round %d: bare %s | end to end %s frames/s (load %.1f; end to end JIT %s ms/frame%s)%n",
                        r + 1, fpsOf(bare, r), fpsOf(e2e, r), loadAverage(), jitOf(e2e, r),
                        childBroker() ? "; child broker CPU " + brokerOf(e2e, r) + " ms/frame" : "");
            }
            List<List<Double>> paced = new ArrayList<>();
            for (int v = 0; v < ne; v++) {
                double rate = 0.5 * median(e2e.get(v).stream().map(Measure::fps).toList());
                int n = (int) Math.min(latencyFrames, Math.max(5, 30 * rate));
                paced.add(latencyFrames <= 0 ? List.of() : rig.paced(v, n, rate));
            }
            printTable(w, bare, e2e, paced);
        }
    }

    private static String jitOf(List<List<Measure>> variants, int round) {
        StringBuilder s = new StringBuilder();
        for (List<Measure> m : variants) {
            s.append(s.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.1f",
                    m.get(round).cpuByGroup().getOrDefault("~ JIT ms", Double.NaN)));
        }
        return s.toString();
    }

    private static String brokerOf(List<List<Measure>> variants, int round) {
        StringBuilder s = new StringBuilder();
        for (List<Measure> m : variants) {
            s.append(s.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.1f", m.get(round).brokerCpuMsPerFrame()));
        }
        return s.toString();
    }

    private static String fpsOf(List<List<Measure>> variants, int round) {
        StringBuilder s = new StringBuilder();
        for (List<Measure> m : variants) {
            s.append(s.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f", m.get(round).fps()));
        }
        return s.toString();
    }

    private Measure bareRound(BenchWorkload w, int v) {
        try {
            double load = loadAverage();
            List<Double> lat = new ArrayList<>();
            Map<Long, TaskCpu.Task> tasks0 = TaskCpu.snapshot();
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            w.runBare(v, 0, frames, lat);
            long t1 = System.nanoTime();
            long cpu1 = processCpuNanos();
            return new Measure(lat.size() / ((t1 - t0) / 1e9), (cpu1 - cpu0) / 1e6 / lat.size(), load, lat, List.of(),
                    Map.of(), TaskCpu.msPerFrameByGroup(tasks0, TaskCpu.snapshot(), lat.size(), 100), Double.NaN);
        } catch (Exception e) {
            throw new IllegalStateException("bare variant " + w.bareVariants().get(v) + " failed", e);
        }
    }

    private void printTable(BenchWorkload w, List<List<Measure>> bare, List<List<Measure>> e2e, List<List<Double>> paced) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%s; %d rounds, load average %s%n", w.title(), rounds, loadRange(bare, e2e));
        System.out.println("| variant | frames/s, median (min–max) | ratio to bare baseline, median of rounds (min–max) "
                + "| process CPU ms/frame | p50 ms | p99 ms | GFLOP/s |");
        System.out.println("|---|---|---|---|---|---|---|");
        List<Measure> base = bare.get(0);
        for (int v = 0; v < bare.size(); v++) {
            List<Double> lat = pooled(bare.get(v));
            row(w.bareVariants().get(v) + (v == 0 ? " (baseline)" : ""), bare.get(v), base, pct(lat, 50), pct(lat, 99),
                    w.bareFlops(v));
        }
        for (int v = 0; v < e2e.size(); v++) {
            List<Double> lat = paced.get(v);
            row(w.endToEndVariants().get(v), e2e.get(v), base, pct(lat, 50), pct(lat, 99), w.endToEndFlops(v));
        }
        for (int[] pair : w.comparablePairs()) {
            List<Double> ratios = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Measure e = e2e.get(pair[0]).get(r);
                Measure bm = bare.get(pair[1]).get(r);
                ratios.add(e.fps() / bm.fps());
                cpu.add(bm.cpuMsPerFrame() / e.cpuMsPerFrame());
            }
            System.out.printf(Locale.ROOT, "%s / %s: throughput ratio %.2f (rounds %.2f–%.2f); process CPU per frame, bare ÷ "
                            + "end to end: %.2f (%.2f–%.2f)%n", w.endToEndVariants().get(pair[0]), w.bareVariants().get(pair[1]),
                    median(ratios), min(ratios), max(ratios), median(cpu), min(cpu), max(cpu));
            List<Double> bareSteady = new ArrayList<>();
            List<Double> e2eSteady = new ArrayList<>();
            List<Double> instance = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Measure e = e2e.get(pair[0]).get(r);
                Measure bm = bare.get(pair[1]).get(r);
                bareSteady.add(withoutJit(bm));
                e2eSteady.add(withoutJit(e));
                instance.add(instanceCpu(e));
            }
            if (childBroker()) {
                printInstanceCpu(bare.get(pair[1]), e2e.get(pair[0]));
                continue;
            }
            List<Double> instanceRatio = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                instanceRatio.add(bareSteady.get(r) / instance.get(r));
            }
            System.out.printf(Locale.ROOT, "  process CPU ms per frame without the JIT compiler threads (warm-up, gone in a "
                            + "long-running service): bare %.1f, end to end %.1f; the service alone (end to end less the "
                            + "in-process broker, the bench's clients and JIT), what an instance with an external broker "
                            + "spends: %.1f (rounds %.1f–%.1f); bare ÷ service %.2f (%.2f–%.2f)%n",
                    median(bareSteady), median(e2eSteady), median(instance), min(instance), max(instance),
                    median(instanceRatio), min(instanceRatio), max(instanceRatio));
        }
        System.out.println();
        System.out.println("bare latency: wall time of the frame's batch; end-to-end latency: send → result read "
                + "(read_committed) with frames paced at half the measured end-to-end rate.");
        for (int v = 0; v < e2e.size(); v++) {
            List<BenchWorkload.Output> outs = new ArrayList<>();
            e2e.get(v).forEach(m -> outs.addAll(m.outputs()));
            double[] stage = new double[w.stageNames().size()];
            double batch = 0;
            double bytes = 0;
            for (BenchWorkload.Output o : outs) {
                batch += o.batchSize();
                bytes += o.recordBytes();
                for (int k = 0; k < stage.length; k++) {
                    stage[k] += o.stageMicros()[k] / 1e3;
                }
            }
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < stage.length; k++) {
                s.append(String.format(Locale.ROOT, "%s %.1f ms, ", w.stageNames().get(k), stage[k] / outs.size()));
            }
            System.out.printf(Locale.ROOT, "%s, mean per record in the stream thread: %smean batch %.2f, result record %.1f KB%n",
                    w.endToEndVariants().get(v), s, batch / outs.size(), bytes / outs.size() / 1024);
            Map<String, Double> groups = new java.util.TreeMap<>();
            e2e.get(v).forEach(m -> m.cpuByGroup().forEach((k, x) -> groups.merge(k, x / rounds, Double::sum)));
            StringBuilder g = new StringBuilder();
            groups.forEach((k, x) -> g.append(String.format(Locale.ROOT, "%s %.1f, ", k, x)));
            System.out.printf(Locale.ROOT, "  process CPU ms per frame by thread group (mean of rounds): %s%n",
                    g.substring(0, Math.max(0, g.length() - 2)));
            Map<String, Double> os = new java.util.TreeMap<>();
            e2e.get(v).forEach(m -> m.cpuByOsThread().forEach((k, x) -> os.merge(k, x / rounds, Double::sum)));
            StringBuilder o = new StringBuilder();
            os.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .filter(e -> e.getValue() >= 0.05)
                    .forEach(e -> o.append(String.format(Locale.ROOT, "%s %.2f, ", e.getKey(), e.getValue())));
            System.out.printf(Locale.ROOT, "  process CPU ms per frame by OS thread name (/proc, Java and native threads): %s%n",
                    o.substring(0, Math.max(0, o.length() - 2)));
        }
    }

    /**
     * With the broker in a child JVM this process's CPU is the instance's (the service, plus the bench's producer and
     * result consumer, shown apart): measured directly, not by subtraction.
     */
    private void printInstanceCpu(List<Measure> bare, List<Measure> e2e) {
        List<Double> instance = e2e.stream().map(Measure::cpuMsPerFrame).toList();
        List<Double> ratio = new ArrayList<>();
        List<Double> ratioWithoutJit = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ratio.add(bare.get(r).cpuMsPerFrame() / e2e.get(r).cpuMsPerFrame());
            ratioWithoutJit.add(withoutJit(bare.get(r)) / withoutJit(e2e.get(r)));
        }
        List<Double> clients = e2e.stream().map(m -> m.cpuByGroup().entrySet().stream()
                .filter(e -> e.getKey().startsWith("bench client")).mapToDouble(Map.Entry::getValue).sum()).toList();
        List<Double> brokerCpu = e2e.stream().map(Measure::brokerCpuMsPerFrame).toList();
        // what a deployed instance spends once warm: less the JIT compiler threads and the bench's own clients
        List<Double> serviceRatio = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            serviceRatio.add(withoutJit(bare.get(r)) / (withoutJit(e2e.get(r)) - clients.get(r)));
        }
        System.out.printf(Locale.ROOT, "  instance process CPU ms per frame, measured directly (broker in a child JVM): "
                        + "bare %.1f, instance %.1f (rounds %.1f–%.1f; of it the bench's producer and result consumer %.1f, "
                        + "JIT compiler threads %.1f); bare ÷ instance %.2f (%.2f–%.2f), without JIT on both sides %.2f "
                        + "(%.2f–%.2f), without JIT and the bench's clients %.2f (%.2f–%.2f); the child broker %.1f ms "
                        + "per frame (%.1f–%.1f)%n",
                median(bare.stream().map(Measure::cpuMsPerFrame).toList()), median(instance), min(instance), max(instance),
                median(clients), median(e2e.stream().map(BenchCommand::jitCpu).toList()), median(ratio), min(ratio),
                max(ratio), median(ratioWithoutJit), min(ratioWithoutJit), max(ratioWithoutJit), median(serviceRatio),
                min(serviceRatio), max(serviceRatio), median(brokerCpu),
                min(brokerCpu), max(brokerCpu));
    }

    private void row(String name, List<Measure> ms, List<Measure> base, double p50, double p99, long flops) {
        List<Double> fps = ms.stream().map(Measure::fps).toList();
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < ms.size(); r++) {
            ratios.add(ms.get(r).fps() / base.get(r).fps());
        }
        double f = median(fps);
        System.out.printf(Locale.ROOT, "| %s | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.1f | %.0f | %.0f | %s |%n", name, f,
                min(fps), max(fps), median(ratios), min(ratios), max(ratios),
                median(ms.stream().map(Measure::cpuMsPerFrame).toList()), p50, p99,
                flops > 0 ? String.format(Locale.ROOT, "%.1f", f * flops / 1e9) : "n/a");
    }

    private static String loadRange(List<List<Measure>> a, List<List<Measure>> b) {
        List<Double> l = new ArrayList<>();
        a.forEach(v -> v.forEach(m -> l.add(m.load())));
        b.forEach(v -> v.forEach(m -> l.add(m.load())));
        return String.format(Locale.ROOT, "%.1f–%.1f", min(l), max(l));
    }

    private static List<Double> pooled(List<Measure> ms) {
        List<Double> l = new ArrayList<>();
        ms.forEach(m -> l.addAll(m.latencies()));
        return l;
    }

    List<byte[]> render(int n) {
        SyntheticCamera cam = new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(width, height));
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(cam.frame(i).data());
        }
        return out;
    }

    byte[] jpeg(long index) {
        return jpegs.get((int) (index % jpegs.size()));
    }

    /** The embedded broker, the topology, a producer and a consumer of the results, kept for all rounds. */
    private final class EndToEnd implements AutoCloseable {
        private final BenchWorkload w;
        private final Path stateDir;
        /** The broker, in this process or a child JVM; {@code child} is set in the second case. */
        private final AutoCloseable kafka;
        private final ChildKafkaBroker child;
        private final BenchWorkload.Service service;
        private final TopicTail tail;
        private final KafkaProducer<String, Frame> producer;
        private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        private final Map<Long, Long> receivedAt = new ConcurrentHashMap<>();
        private final Map<Long, BenchWorkload.Output> outputs = new ConcurrentHashMap<>();
        private long nextSequence;

        EndToEnd(BenchWorkload w) throws Exception {
            this.w = w;
            int maxFrameBytes = KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES;
            stateDir = Files.createTempDirectory("vision-streams-bench-");
            String bootstrap;
            if (childBroker()) {
                child = ChildKafkaBroker.start(w.maxRecordBytes(maxFrameBytes),
                        java.util.Arrays.stream(brokerJavaOpts.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList(), Duration.ofMinutes(3));
                kafka = child;
                bootstrap = child.bootstrapServers();
            } else {
                EmbeddedKafkaCluster inProcess = EmbeddedKafkaCluster.start(1, w.maxRecordBytes(maxFrameBytes), false);
                child = null;
                kafka = inProcess;
                bootstrap = inProcess.bootstrapServers();
            }
            try {
                Properties client = new Properties();
                client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                Properties streamsClient = new Properties();
                streamsClient.putAll(client);
                streamsClient.putAll(streamsProperties);
                try (Admin admin = Admin.create(client)) {
                    TopicAdmin.ensureTopics(admin, w.topicSpecs(partitions), (short) 1, maxFrameBytes);
                }
                service = w.start(streamsClient, stateDir, maxFrameBytes);
                tail = new TopicTail(client, w.maxRecordBytes(maxFrameBytes), List.of(w.outputTopic(), w.deadLetterTopic()), r -> {
                    if (r.topic().equals(w.outputTopic())) {
                        long now = System.nanoTime();
                        BenchWorkload.Output o = w.decode(r.value());
                        receivedAt.put(o.sequence(), now);
                        outputs.put(o.sequence(), o);
                    }
                });
                producer = new KafkaProducer<>(KafkaClientConfig.producer(client, maxFrameBytes), new StringSerializer(),
                        VisionSerdes.frame().serializer());
                service.runner().awaitRunning(Duration.ofSeconds(60));
            } catch (Exception | Error e) {
                kafka.close();
                throw e;
            }
        }

        private long send(int variant) {
            long seq = nextSequence++;
            String source = "cam-" + (seq % partitions);
            Frame f = Frame.newBuilder().setSourceId(source).setSequence(seq).setCaptureTimestamp(Instant.now())
                    .setEncoding(FrameEncoding.JPEG).setWidth(width).setHeight(height)
                    .setData(ByteBuffer.wrap(jpeg(seq))).build();
            sentAt.put(seq, System.nanoTime());
            producer.send(new ProducerRecord<>(w.framesTopic(), null, source, f, w.headers(variant)));
            return seq;
        }

        private void await(long first, long end) {
            try {
                if (!tail.awaitCount(w.outputTopic(), end, Duration.ofMinutes(20))) {
                    throw new IllegalStateException("only " + tail.count(w.outputTopic()) + " of " + end
                            + " results arrived (dead letters: " + tail.count(w.deadLetterTopic()) + ")");
                }
                if (tail.count(w.deadLetterTopic()) > 0) {
                    throw new IllegalStateException(tail.count(w.deadLetterTopic()) + " frames were dead-lettered");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** {@code n} frames as fast as the producer takes them: throughput. */
        Measure burst(int variant, int n) {
            double load = loadAverage();
            Map<Long, Long> threads0 = threadCpu();
            Map<Long, TaskCpu.Task> tasks0 = TaskCpu.snapshot();
            long alloc0 = allocatedBytes();
            long gc0 = gcMillis();
            long jit0 = jitMillis();
            long cpu0 = processCpuNanos();
            long broker0 = child == null ? 0 : child.cpuNanos();
            long start = System.nanoTime();
            long first = nextSequence;
            for (int i = 0; i < n; i++) {
                send(variant);
            }
            producer.flush();
            await(first, nextSequence);
            long last = 0;
            List<BenchWorkload.Output> outs = new ArrayList<>();
            for (long s = first; s < nextSequence; s++) {
                last = Math.max(last, receivedAt.get(s));
                outs.add(outputs.get(s));
            }
            long cpu1 = processCpuNanos();
            double brokerMs = child == null ? Double.NaN : (child.cpuNanos() - broker0) / 1e6 / n;
            Map<String, Double> groups = cpuByGroup(threads0, threadCpu(), cpu1 - cpu0, n);
            // Linux counts clock ticks at USER_HZ, 100 per second on every mainstream kernel
            Map<String, Double> osThreads = TaskCpu.msPerFrameByGroup(tasks0, TaskCpu.snapshot(), n, 100);
            // not CPU, but what explains the native share: heap churn and the collectors' time
            groups.put("~ allocated MB", (allocatedBytes() - alloc0) / 1e6 / n);
            groups.put("~ GC ms", (double) (gcMillis() - gc0) / n);
            // JIT compilation still going on means the run is not warm yet (the broker and clients are a lot of code)
            groups.put("~ JIT ms", (double) (jitMillis() - jit0) / n);
            return new Measure(n / ((last - start) / 1e9), (cpu1 - cpu0) / 1e6 / n, load, List.of(), outs, groups, osThreads,
                    brokerMs);
        }

        /** {@code n} frames at {@code rate} frames/s: latency below saturation. */
        List<Double> paced(int variant, int n, double rate) {
            long first = nextSequence;
            long start = System.nanoTime();
            long period = (long) (1e9 / rate);
            for (int i = 0; i < n; i++) {
                long due = start + i * period;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                send(variant);
                producer.flush();
            }
            await(first, nextSequence);
            List<Double> lat = new ArrayList<>();
            for (long s = first; s < nextSequence; s++) {
                lat.add((receivedAt.get(s) - sentAt.get(s)) / 1e6);
            }
            return lat;
        }

        @Override
        public void close() throws Exception {
            try (kafka) {
                producer.close(Duration.ofSeconds(10));
                tail.close();
                service.close();
            } finally {
                TempDirs.deleteQuietly(stateDir);
            }
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The 1-minute load average (NaN where the OS does not say). */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static double median(List<Double> v) {
        return pct(v, 50);
    }

    static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
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
