package io.visionstreams.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.release.ReleaseRejectedException;
import io.visionstreams.release.ReleaseSigning;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.VisionSerdes;

/**
 * Follows the compacted {@code model-releases} topic and hands the releases of the models this
 * instance serves to their installers, in topic order, on its own thread.
 *
 * <p>A plain consumer with every partition assigned and no consumer group, from the beginning: every
 * instance sees every release (a group would split them). At start it reads up to the end offsets
 * seen then and installs only the best trusted release that passes the checks ({@link ReleasePolicy});
 * {@link #awaitCaughtUp} returns after that, so a service can start on the right version. Then it
 * follows: each new trusted release is installed when {@link ReleasePolicy#worthInstalling} says so,
 * and reported as NOT_NEWER otherwise. Signatures are checked before anything else: an untrusted or
 * altered record never influences the choice.
 */
public final class ReleaseFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final TrustedKeys trusted;
    private final Map<String, ReleaseInstaller<?>> installers = new HashMap<>();
    private final AvroSerde<ModelRelease> serde = VisionSerdes.modelRelease();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public ReleaseFollower(Properties clientProps, String topic, TrustedKeys trusted, List<ReleaseInstaller<?>> installers) {
        this.topic = topic;
        this.trusted = trusted;
        for (ReleaseInstaller<?> i : installers) {
            this.installers.put(i.modelName(), i);
        }
        Properties p = new Properties();
        p.putAll(clientProps);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "release-follower");
        thread.setDaemon(true);
    }

    public ReleaseFollower start() {
        thread.start();
        return this;
    }

    /** Waits until the releases published before the start were read and the best one installed. */
    public void awaitCaughtUp(Duration timeout) throws InterruptedException {
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("release follower did not catch up with " + topic + " within " + timeout,
                    failure);
        }
        if (failure != null) {
            throw new IllegalStateException("release follower failed: " + failure.getMessage(), failure);
        }
    }

    private void run() {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            // a topic created a moment ago (run --create-topics) may not be in the broker's metadata yet
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while ((infos == null || infos.isEmpty()) && running && System.nanoTime() < deadline) {
                Thread.sleep(200);
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            }
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist: create it (compacted), or run with"
                        + " --create-topics");
            }
            List<TopicPartition> parts = new ArrayList<>();
            infos.forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            catchUp(parts);
            caughtUp.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    follow(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
            LOG.error("release follower stopped: {}", t.toString(), t);
        } finally {
            caughtUp.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Reads up to the end offsets of now, then installs per model the best candidate that passes. */
    private void catchUp(List<TopicPartition> parts) {
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        Map<String, List<ModelRelease>> trustedByModel = new LinkedHashMap<>();
        while (running && !reached(end)) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                ModelRelease release = decode(r);
                ReleaseInstaller<?> installer = release == null ? null : installers.get(release.getModelName());
                if (installer == null) {
                    continue;
                }
                try {
                    ReleaseSigning.verify(release, trusted);
                    trustedByModel.computeIfAbsent(release.getModelName(), k -> new ArrayList<>()).add(release);
                } catch (ReleaseRejectedException e) {
                    installer.reject(release, e.reason(), e.getMessage());
                }
            }
        }
        for (ReleaseInstaller<?> installer : installers.values()) {
            List<ModelRelease> candidates = ReleasePolicy.startupCandidates(
                    trustedByModel.getOrDefault(installer.modelName(), List.of()), installer.servingVersion());
            boolean installed = false;
            for (ModelRelease r : candidates) {
                if (installer.install(r)) {
                    installed = true;
                    break;
                }
            }
            if (!installed) {
                installer.reportServing();
            }
            LOG.info("model {}: serving {} after reading {} ({} candidate release(s))", installer.modelName(),
                    installer.servingVersion(), topic, candidates.size());
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void follow(ConsumerRecord<String, byte[]> r) {
        ModelRelease release = decode(r);
        ReleaseInstaller<?> installer = release == null ? null : installers.get(release.getModelName());
        if (installer == null) {
            return;
        }
        try {
            ReleaseSigning.verify(release, trusted);
        } catch (ReleaseRejectedException e) {
            installer.reject(release, e.reason(), e.getMessage());
            return;
        }
        if (ReleasePolicy.worthInstalling(release, installer.servingVersion())) {
            installer.install(release);
        } else {
            installer.reject(release, io.visionstreams.release.RejectReason.NOT_NEWER, "version " + release.getVersion()
                    + " is not newer than " + installer.servingVersion() + " and not a pin");
        }
    }

    /** The release in a record, or null for a tombstone or bytes that are not a ModelRelease (logged). */
    private ModelRelease decode(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return serde.decode(r.value());
        } catch (RuntimeException e) {
            LOG.warn("{}-{}@{}: not a ModelRelease, skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(60_000);
    }
}
