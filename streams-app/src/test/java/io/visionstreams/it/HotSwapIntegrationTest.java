package io.visionstreams.it;

import static io.visionstreams.it.PipelineHarness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.lifecycle.ReleaseInstaller;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.ops.DetectionService;
import io.visionstreams.ops.EmbeddedKafkaCluster;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.ReleaseFollowing;
import io.visionstreams.ops.TopicTail;
import io.visionstreams.release.DirectoryArtifactStore;
import io.visionstreams.release.RejectReason;
import io.visionstreams.release.ReleaseFetcher;
import io.visionstreams.release.ReleaseKeys;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.ModelStatus;
import io.visionstreams.schema.ServingState;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.DetectionTopology;

/**
 * Instances following signed releases through the embedded broker: a hot swap under continuous load,
 * releases that must be rejected while the old version keeps serving, and a restart that picks the
 * newest trusted valid release. Versions here are the served detector re-described (same ONNX), so
 * the numbers measure the swap, not a model difference.
 */
class HotSwapIntegrationTest {

    static EmbeddedKafkaCluster kafka;
    static Properties client;
    static KeyPair trustedKey;
    static KeyPair untrustedKey;
    static DetectorDeployment reference;
    static final DetectorDeployment.Settings SERVING = DetectorDeployment.Settings.defaults().withRuntime("cpu")
            .withBatching(4, Duration.ofMillis(2)).withIntraOpThreads(1);
    static final String MODEL = "detector-student";

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafkaCluster.start(1, KafkaClientConfig.maxRecordBytes(MAX_FRAME_BYTES), true);
        client = client(kafka.bootstrapServers());
        trustedKey = ReleaseKeys.generate();
        untrustedKey = ReleaseKeys.generate();
        reference = DetectorDeployment.open(SERVING);
    }

    @AfterAll
    static void stop() throws Exception {
        if (reference != null) {
            reference.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One serving instance that follows releases: slot, follower (caught up first), then the topology. */
    final class Instance implements AutoCloseable {
        final ReleaseFollowing following;
        final DetectionService service;
        final DetectorDeployment initial;
        /** Every deployment the installer opened, to check that rejected and replaced ones were closed. */
        final List<DetectorDeployment> opened = Collections.synchronizedList(new ArrayList<>());

        Instance(String prefix, DetectionTopology.Topics topics, Path storeDir) throws Exception {
            initial = DetectorDeployment.open(SERVING);
            ModelSlot<DetectorDeployment> slot = new ModelSlot<>(initial);
            try {
                following = ReleaseFollowing.start(client, new ReleaseFollowing.Settings("instance-" + prefix,
                                prefix + "-releases", prefix + "-status", Files.createDirectories(tmp.resolve(prefix + "-cache")),
                                ReleaseInstaller.Checks.defaults(), Duration.ofSeconds(60)),
                        slot, model -> {
                            DetectorDeployment d = DetectorDeployment.open(SERVING, model);
                            opened.add(d);
                            return d;
                        }, TrustedKeys.of(trustedKey.getPublic()),
                        new DirectoryArtifactStore(storeDir));
            } catch (Exception e) {
                slot.close();
                throw e;
            }
            service = DetectionService.start(client, new DetectionService.Settings("app-" + prefix, 4,
                    tmp.resolve(prefix + "-state"), 1, MAX_FRAME_BYTES, topics), slot);
            service.runner().awaitRunning(Duration.ofSeconds(60));
        }

        @Override
        public void close() {
            try {
                following.close();
            } finally {
                service.close();
            }
        }
    }

    /** A closed deployment's batcher refuses work: its session and native memory were released. */
    static boolean isClosed(DetectorDeployment d) {
        try {
            d.batcher().submit(Map.of()).cancel(true);
            return false;
        } catch (IllegalStateException closed) {
            return true;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** One output as the test sees it. */
    record Result(long seq, String version, int partition, long offset, long receivedMillis, long captureMillis) {
    }

    /** Detections, dead letters and status records of one test. */
    static final class Observed implements AutoCloseable {
        final Map<Long, List<Result>> bySeq = new ConcurrentHashMap<>();
        final List<ModelStatus> statuses = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger deadLetters = new AtomicInteger();
        final TopicTail tail;
        final String statusTopic;

        Observed(DetectionTopology.Topics t, String statusTopic) {
            this.statusTopic = statusTopic;
            var det = VisionSerdes.detections();
            var st = VisionSerdes.modelStatus();
            tail = new TopicTail(client, MAX_FRAME_BYTES, List.of(t.detections(), t.deadLetter(), statusTopic), r -> {
                if (r.topic().equals(t.detections())) {
                    Detections d = det.decode(r.value());
                    bySeq.computeIfAbsent(d.getSource().getSequence(), k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(new Result(d.getSource().getSequence(), d.getModel().getVersion(),
                                    d.getSource().getPartition(), d.getSource().getOffset(), System.currentTimeMillis(),
                                    d.getSource().getCaptureTimestamp().toEpochMilli()));
                } else if (r.topic().equals(t.deadLetter())) {
                    deadLetters.incrementAndGet();
                } else {
                    statuses.add(st.decode(r.value()));
                }
            });
        }

        ModelStatus awaitStatus(Predicate<ModelStatus> p, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                synchronized (statuses) {
                    for (ModelStatus s : statuses) {
                        if (p.test(s)) {
                            return s;
                        }
                    }
                }
                Thread.sleep(20);
            }
            return null;
        }

        int outputs() {
            return bySeq.values().stream().mapToInt(List::size).sum();
        }

        boolean awaitOutputs(int n, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (outputs() < n && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            return outputs() >= n;
        }

        @Override
        public void close() throws InterruptedException {
            tail.close();
        }
    }

    /** Sends frames 0..n-1 at a steady rate, spread over the partitions, on its own thread. */
    static final class Load implements AutoCloseable {
        final Thread thread;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        volatile Throwable failure;

        Load(String topic, int partitions, int n, long periodMillis) {
            thread = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> p = rawProducer(client)) {
                    long next = System.nanoTime();
                    for (int i = 0; i < n && !stop.get(); i++) {
                        String src = "cam-" + (i % partitions);
                        sendTo(p, topic, i % partitions, src, bytes(goodFrame(src, i)));
                        p.flush(); // steady: each frame leaves now, not in a linger batch
                        sent.incrementAndGet();
                        next += periodMillis * 1_000_000;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            }, "load");
            thread.start();
        }

        void awaitSent(int n) throws InterruptedException {
            while (sent.get() < n && thread.isAlive()) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(120_000);
        }
    }

    private ReleaseFixtures fixtures(String prefix) throws Exception {
        return new ReleaseFixtures(client, Files.createDirectories(tmp.resolve(prefix)), reference);
    }

    private DetectionTopology.Topics topics(String prefix, int partitions) throws Exception {
        DetectionTopology.Topics t = createTopics(client, prefix, partitions);
        // both return once the topics are visible to clients (TopicAdmin waits for their metadata)
        ReleaseFollowing.ensureTopics(client, prefix + "-releases", prefix + "-status", (short) 1);
        return t;
    }

    @Test
    void hotSwapUnderContinuousLoadLosesAndDuplicatesNothingAndSwitchesOncePerPartition() throws Exception {
        String prefix = "swap";
        int partitions = 4;
        // below what this 2-core CI machine sustains, so latency shows the swap rather than a backlog;
        // -Dhotswap.frames / -Dhotswap.periodMs change the load when measuring elsewhere
        int n = Integer.getInteger("hotswap.frames", 200);
        long periodMs = Long.getLong("hotswap.periodMs", 100);
        DetectionTopology.Topics topics = topics(prefix, partitions);
        try (ReleaseFixtures releases = fixtures(prefix);
             Observed seen = new Observed(topics, prefix + "-status");
             Instance instance = new Instance(prefix, topics, releases.storeDir)) {
            // version 2 exactly as the trainer's publish command makes it (golden tensors from its publisher)
            ModelRelease release2 = releases.published("2", trustedKey);
            long publishedAt;
            try (Load load = new Load(topics.frames(), partitions, n, periodMs)) {
                load.awaitSent(n / 2);
                publishedAt = System.currentTimeMillis();
                releases.publish(prefix + "-releases", release2);
                assertNotNull(seen.awaitStatus(s -> s.getState() == ServingState.SERVING && "2".equals(s.getServingVersion()),
                        Duration.ofSeconds(30)), "v2 installed; statuses: " + seen.statuses);
                load.thread.join(120_000);
                assertEquals(null, load.failure);
            }
            assertTrue(seen.awaitOutputs(n, Duration.ofSeconds(90)), "outputs: " + seen.outputs());
            Thread.sleep(1500); // a duplicate would arrive now
            long swappedAt = instance.following.metrics().getLastSwapEpochMillis();
            long installMillis = instance.following.metrics().getLastInstallMillis();

            assertEquals(n, seen.bySeq.size(), "every input has an output");
            assertEquals(n, seen.outputs(), "and exactly one");
            assertEquals(0, seen.deadLetters.get(), "no failed records");
            assertEquals(1, instance.following.metrics().getSwaps());
            assertTrue(isClosed(instance.initial), "v1 was closed once its last in-flight record was done");
            assertEquals(1, instance.opened.size());
            assertTrue(!isClosed(instance.opened.get(0)), "v2 serves");
            // per partition, in offset order: v1 ... v1 v2 ... v2, never v1 after the first v2
            Map<Integer, TreeMap<Long, String>> byPartition = new TreeMap<>();
            List<Result> all = new ArrayList<>();
            seen.bySeq.values().forEach(all::addAll);
            for (Result r : all) {
                byPartition.computeIfAbsent(r.partition(), k -> new TreeMap<>()).put(r.offset(), r.version());
            }
            long firstV2Received = Long.MAX_VALUE;
            for (Result r : all) {
                if (r.version().equals("2")) {
                    firstV2Received = Math.min(firstV2Received, r.receivedMillis());
                }
            }
            int v1 = 0;
            int v2 = 0;
            for (Map.Entry<Integer, TreeMap<Long, String>> e : byPartition.entrySet()) {
                boolean switched = false;
                for (String version : e.getValue().values()) {
                    if (version.equals("2")) {
                        switched = true;
                        v2++;
                    } else {
                        assertEquals("1", version);
                        assertTrue(!switched, "partition " + e.getKey() + " went back to v1 after v2: " + e.getValue());
                        v1++;
                    }
                }
            }
            assertTrue(v1 > 0 && v2 > 0, "both versions served: v1 " + v1 + ", v2 " + v2);

            List<Long> before = new ArrayList<>();
            List<Long> during = new ArrayList<>();
            List<Long> after = new ArrayList<>();
            int warmup = 40; // the first frames include the service's own start-up (JIT, first batches, a backlog)
            for (Result r : all) {
                if (r.seq() < warmup) {
                    continue;
                }
                long latency = r.receivedMillis() - r.captureMillis();
                (r.captureMillis() < publishedAt ? before : r.captureMillis() <= swappedAt ? during : after).add(latency);
            }
            System.out.printf("HOT-SWAP %d frames at %d ms intervals over %d partitions: records in %d, out %d, dead letters %d, duplicates %d; v1 results %d, v2 results %d;"
                            + " publish->swap %d ms (install %d ms: fetch, verify, load, golden, warm-up), publish->first v2"
                            + " result %d ms; latency p50/p99 ms (frames after the first 40) before %s, during %s, after %s%n",
                    n, periodMs, partitions, n, seen.outputs(), seen.deadLetters.get(), seen.outputs() - seen.bySeq.size(), v1, v2,
                    swappedAt - publishedAt, installMillis, firstV2Received - publishedAt, pct(before), pct(during),
                    pct(after));
        }
    }

    @Test
    void badReleasesAreRejectedWithTheirReasonWhileV1KeepsServing() throws Exception {
        String prefix = "reject";
        int partitions = 2;
        int n = 200;
        DetectionTopology.Topics topics = topics(prefix, partitions);
        String releasesTopic = prefix + "-releases";
        try (ReleaseFixtures releases = fixtures(prefix);
             Observed seen = new Observed(topics, prefix + "-status");
             Instance instance = new Instance(prefix, topics, releases.storeDir);
             Load load = new Load(topics.frames(), partitions, n, 40)) {
            Map<RejectReason, ModelRelease> cases = new java.util.LinkedHashMap<>();
            // signed by a key this instance does not trust
            cases.put(RejectReason.UNTRUSTED_KEY, releases.sign(releases.draft("2"), untrustedKey));
            // altered after signing: someone turns it into a pin
            cases.put(RejectReason.BAD_SIGNATURE, ReleaseFixtures.altered(releases.sign(releases.draft("3"), trustedKey),
                    b -> b.setPinned(true)));
            // the artifact in the store is not what was signed
            ModelRelease corrupt = releases.sign(releases.draft("4"), trustedKey);
            Path stored = releases.storedFile(MODEL, "4", "model.onnx");
            stored.toFile().setWritable(true);
            byte[] bytes = Files.readAllBytes(stored);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(stored, bytes);
            cases.put(RejectReason.CHECKSUM_MISMATCH, corrupt);
            // the stylizer's graph published under the detector's name and descriptor
            ReleaseFixtures.Draft style = releases.draft("5");
            style.onnx = ModelZoo.loadBundled(ModelZoo.DEFAULT_STYLIZER).onnx();
            var d = style.descriptor;
            style.descriptor = new io.visionstreams.schema.ModelDescriptor(d.name(), d.version(), d.task(), d.onnx(),
                    ModelZoo.sha256(style.onnx), d.input(), d.outputs(), d.decoder(), d.camStride(), d.classes(),
                    d.stylization(), d.trained());
            cases.put(RejectReason.INCOMPATIBLE_SIGNATURE, releases.sign(style, trustedKey));
            // golden output altered before signing: the model does not give what the release promises
            ReleaseFixtures.Draft golden = releases.draft("6");
            float[] scores = golden.goldenOut.get("scores");
            for (int i = 0; i < scores.length; i++) {
                scores[i] += 0.3f;
            }
            cases.put(RejectReason.GOLDEN_MISMATCH, releases.sign(golden, trustedKey));

            load.awaitSent(20);
            Map<RejectReason, String> messages = new java.util.LinkedHashMap<>();
            for (Map.Entry<RejectReason, ModelRelease> c : cases.entrySet()) {
                releases.publish(releasesTopic, c.getValue());
                String version = c.getValue().getVersion();
                ModelStatus s = seen.awaitStatus(st -> st.getState() == ServingState.REJECTED
                        && version.equals(st.getLastRelease()), Duration.ofSeconds(30));
                assertNotNull(s, "status for " + c.getKey() + "; statuses: " + seen.statuses);
                assertEquals(c.getKey().name(), s.getReason(), s.getMessage());
                assertEquals("1", s.getServingVersion(), "v1 keeps serving");
                messages.put(c.getKey(), s.getMessage());
            }
            load.thread.join(120_000);
            assertEquals(null, load.failure);
            assertTrue(seen.awaitOutputs(n, Duration.ofSeconds(90)), "outputs: " + seen.outputs());
            Thread.sleep(1000);
            assertEquals(n, seen.bySeq.size());
            assertEquals(n, seen.outputs());
            assertEquals(0, seen.deadLetters.get());
            seen.bySeq.values().forEach(l -> l.forEach(r -> assertEquals("1", r.version())));
            assertEquals(0, instance.following.metrics().getSwaps());
            assertEquals(1, instance.opened.size(), "only the golden-mismatch release got as far as opening");
            assertTrue(isClosed(instance.opened.get(0)), "and it was closed when rejected");
            assertTrue(!isClosed(instance.initial), "v1 still serves");
            for (RejectReason r : cases.keySet()) {
                assertEquals(1, instance.following.metrics().rejections(r.name()), r.name());
            }
            messages.forEach((r, m) -> System.out.println("REJECTED " + r + ": " + m));
        }
    }

    @Test
    void aRestartedInstanceServesTheNewestTrustedValidReleaseAndFollowsAPinBack() throws Exception {
        String prefix = "restart";
        DetectionTopology.Topics topics = topics(prefix, 2);
        String releasesTopic = prefix + "-releases";
        try (ReleaseFixtures releases = fixtures(prefix);
             Observed seen = new Observed(topics, prefix + "-status")) {
            releases.signAndPublish(releasesTopic, releases.draft("2"), trustedKey);
            releases.signAndPublish(releasesTopic, releases.draft("3"), trustedKey);
            releases.signAndPublish(releasesTopic, releases.draft("4"), untrustedKey); // newest of all, untrusted
            ReleaseFixtures.Draft broken = releases.draft("3.1"); // newest trusted, but fails its golden check
            broken.goldenOut.get("boxes")[0] += 1000f;
            releases.signAndPublish(releasesTopic, broken, trustedKey);

            try (Instance instance = new Instance(prefix, topics, releases.storeDir);
                 KafkaProducer<byte[], byte[]> producer = rawProducer(client)) {
                // the follower caught up before the topology started: no record ran on the configured v1
                assertEquals("3", instance.following.installer().servingVersion());
                assertNotNull(seen.awaitStatus(s -> s.getState() == ServingState.REJECTED && "4".equals(s.getLastRelease())
                        && RejectReason.UNTRUSTED_KEY.name().equals(s.getReason()), Duration.ofSeconds(20)));
                assertNotNull(seen.awaitStatus(s -> "3.1".equals(s.getLastRelease())
                        && RejectReason.GOLDEN_MISMATCH.name().equals(s.getReason()), Duration.ofSeconds(20)));
                for (int i = 0; i < 10; i++) {
                    sendTo(producer, topics.frames(), i % 2, "cam-" + (i % 2), bytes(goodFrame("cam-" + (i % 2), i)));
                }
                producer.flush();
                assertTrue(seen.awaitOutputs(10, Duration.ofSeconds(60)));
                seen.bySeq.values().forEach(l -> l.forEach(r -> assertEquals("3", r.version())));

                // rollback: version 2 published again as a pin is served although it is older
                ReleaseFixtures.Draft pin = releases.draft("2");
                pin.pinned = true;
                releases.signAndPublish(releasesTopic, pin, trustedKey);
                assertNotNull(seen.awaitStatus(s -> s.getState() == ServingState.SERVING && "2".equals(s.getServingVersion()),
                        Duration.ofSeconds(30)), "statuses: " + seen.statuses);
                for (int i = 10; i < 20; i++) {
                    sendTo(producer, topics.frames(), i % 2, "cam-" + (i % 2), bytes(goodFrame("cam-" + (i % 2), i)));
                }
                producer.flush();
                assertTrue(seen.awaitOutputs(20, Duration.ofSeconds(60)));
                for (long i = 10; i < 20; i++) {
                    assertEquals("2", seen.bySeq.get(i).get(0).version());
                }
                assertEquals(0, seen.deadLetters.get());
            }
        }
    }

    /** Follows releases for a slot of its own, without a topology: what serves after catch-up is the point. */
    record FollowerOnly(ReleaseFollowing following, ModelSlot<DetectorDeployment> slot) implements AutoCloseable {
        ReleaseInstaller<?> installer() {
            return following.installer();
        }

        io.visionstreams.lifecycle.ServingMetrics metrics() {
            return following.metrics();
        }

        @Override
        public void close() {
            try {
                following.close();
            } finally {
                slot.close();
            }
        }
    }

    private FollowerOnly follower(String instance, String releasesTopic, String statusTopic, Path cache, Path storeDir)
            throws Exception {
        ModelSlot<DetectorDeployment> slot = new ModelSlot<>(DetectorDeployment.open(SERVING));
        try {
            return new FollowerOnly(ReleaseFollowing.start(client, new ReleaseFollowing.Settings(instance, releasesTopic,
                            statusTopic, cache, ReleaseInstaller.Checks.defaults(), Duration.ofSeconds(60)), slot,
                    model -> DetectorDeployment.open(SERVING, model), TrustedKeys.of(trustedKey.getPublic()),
                    new DirectoryArtifactStore(storeDir)), slot);
        } catch (Exception e) {
            slot.close();
            throw e;
        }
    }

    @Test
    void afterCompactionARestartedInstanceServesTheLastGoodReleaseFromItsCacheAndRejectsATamperedCache() throws Exception {
        String prefix = "compact";
        DetectionTopology.Topics topics = topics(prefix, 1);
        String statusTopic = prefix + "-status";
        Path cache = Files.createDirectories(tmp.resolve(prefix + "-cache"));
        try (ReleaseFixtures releases = fixtures(prefix);
             Observed seen = new Observed(topics, statusTopic)) {
            releases.signAndPublish(prefix + "-releases", releases.draft("2"), trustedKey);
            ReleaseFixtures.Draft bad = releases.draft("3"); // the newest, and it fails its golden check
            bad.goldenOut.get("boxes")[0] += 1000f;
            ModelRelease release3 = releases.signAndPublish(prefix + "-releases", bad, trustedKey);
            try (FollowerOnly first = follower("first", prefix + "-releases", statusTopic, cache, releases.storeDir)) {
                assertEquals("2", first.installer().servingVersion());
            }

            // compaction removed 2: a topic holding only 3, and the cache the first instance left behind
            String compacted = prefix + "-compacted-releases";
            ReleaseFollowing.ensureTopics(client, compacted, statusTopic, (short) 1);
            releases.publish(compacted, release3);
            try (FollowerOnly restarted = follower("restarted", compacted, statusTopic, cache, releases.storeDir)) {
                assertEquals("2", restarted.installer().servingVersion(), "the last good release, from the cache");
                assertNotNull(seen.awaitStatus(s -> "restarted".equals(s.getInstanceId())
                        && s.getState() == ServingState.SERVING && "2".equals(s.getServingVersion()),
                        Duration.ofSeconds(20)), "statuses: " + seen.statuses);
                assertNotNull(seen.awaitStatus(s -> "restarted".equals(s.getInstanceId()) && "3".equals(s.getLastRelease())
                        && RejectReason.GOLDEN_MISMATCH.name().equals(s.getReason()), Duration.ofSeconds(20)));
            }

            // a cached artifact altered on disk: rejected, not repaired from the store, and nothing else is left
            Path cachedOnnx = cache.resolve(MODEL).resolve("2").resolve("model.onnx");
            byte[] onnx = Files.readAllBytes(cachedOnnx);
            onnx[onnx.length / 2] ^= 0x5a;
            Files.write(cachedOnnx, onnx);
            try (FollowerOnly tampered = follower("tampered-artifact", compacted, statusTopic, cache,
                    releases.storeDir)) {
                assertEquals("1", tampered.installer().servingVersion(), "falls back to the configured model");
                assertNotNull(seen.awaitStatus(s -> "tampered-artifact".equals(s.getInstanceId())
                        && "2".equals(s.getLastRelease()) && RejectReason.CHECKSUM_MISMATCH.name().equals(s.getReason()),
                        Duration.ofSeconds(20)), "statuses: " + seen.statuses);
                assertEquals(1, tampered.metrics().rejections(RejectReason.CHECKSUM_MISMATCH.name()));
            }

            // a cached record altered on disk (turned into a pin): its signature fails before anything is read
            Files.write(cachedOnnx, releases.draft("2").onnx);
            Path record = cache.resolve(MODEL).resolve("2").resolve(ReleaseFetcher.RECORD_FILE);
            ModelRelease cached2 = VisionSerdes.modelRelease().decode(Files.readAllBytes(record));
            Files.write(record, VisionSerdes.modelRelease().encode(ReleaseFixtures.altered(cached2, b -> b.setPinned(true))));
            try (FollowerOnly tampered = follower("tampered-record", compacted, statusTopic, cache,
                    releases.storeDir)) {
                assertEquals("1", tampered.installer().servingVersion());
                assertNotNull(seen.awaitStatus(s -> "tampered-record".equals(s.getInstanceId())
                        && "2".equals(s.getLastRelease()) && RejectReason.BAD_SIGNATURE.name().equals(s.getReason()),
                        Duration.ofSeconds(20)), "statuses: " + seen.statuses);
            }
        }
    }

    private static String pct(List<Long> v) {
        if (v.isEmpty()) {
            return "-";
        }
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get((int) Math.min(s.size() - 1, Math.round(0.50 * (s.size() - 1)))) + "/"
                + s.get((int) Math.min(s.size() - 1, Math.round(0.99 * (s.size() - 1)))) + " (n=" + s.size() + ")";
    }
}
