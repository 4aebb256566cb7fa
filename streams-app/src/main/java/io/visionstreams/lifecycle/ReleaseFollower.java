package io.visionstreams.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
import io.visionstreams.release.SignedRelease;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.ModelRelease;

/**
 * Follows the compacted {@code model-releases} topic and hands the releases of the models this
 * instance serves to their installers, in topic order, on its own thread.
 *
 * <p>A plain consumer with every partition assigned and no consumer group, from the beginning: every
 * instance sees every release (a group would split them). At start it reads up to the end offsets
 * seen then and installs only the best trusted release that passes the checks ({@link ReleasePolicy}),
 * considering the releases kept in the local cache too (compaction may have removed them from the
 * topic); {@link #awaitCaughtUp} returns after that, so a service can start on the right version. Then
 * it follows: each new trusted release is installed when {@link ReleasePolicy#worthInstalling} says so,
 * and reported as NOT_NEWER otherwise. Signatures are checked before anything else: an untrusted or
 * altered record never influences the choice.
 *
 * <p>A failure before catch-up ends the follower (the service must not start on a guess). A failure
 * while following (the consumer throws) closes that consumer and retries with a fresh one from the
 * next unread offset, after a capped exponential back-off; the serving version is untouched, the first
 * failure of a streak is logged and reported (status topic and metrics), recovery too.
 */
public final class ReleaseFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseFollower.class);

    static final Duration RETRY_INITIAL = Duration.ofMillis(500);
    static final Duration RETRY_MAX = Duration.ofSeconds(30);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final TrustedKeys trusted;
    private final Map<String, ReleaseInstaller<?>> installers = new HashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final RetryBackoff backoff;
    /** Next offset to read per partition: where a fresh consumer resumes after a failure. */
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Thread thread;
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public ReleaseFollower(Properties clientProps, String topic, TrustedKeys trusted, List<ReleaseInstaller<?>> installers) {
        this(() -> newConsumer(clientProps), topic, trusted, installers, new RetryBackoff(RETRY_INITIAL, RETRY_MAX));
    }

    /** With a consumer factory (a test's MockConsumer) and back-off: one consumer per attempt. */
    ReleaseFollower(Supplier<Consumer<String, byte[]>> consumers, String topic, TrustedKeys trusted,
                    List<ReleaseInstaller<?>> installers, RetryBackoff backoff) {
        this.consumers = consumers;
        this.topic = topic;
        this.trusted = trusted;
        this.backoff = backoff;
        for (ReleaseInstaller<?> i : installers) {
            this.installers.put(i.modelName(), i);
        }
        this.thread = new Thread(this::run, "release-follower");
        thread.setDaemon(true);
    }

    private static Consumer<String, byte[]> newConsumer(Properties clientProps) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
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

    /** Whether the follower thread is still running (it ends on close, or on a failure before catch-up). */
    public boolean isAlive() {
        return thread.isAlive();
    }

    private void run() {
        try {
            consumer = consumers.get();
            List<TopicPartition> parts = assign(consumer);
            consumer.seekToBeginning(parts);
            catchUp(parts);
            for (TopicPartition tp : parts) {
                next.put(tp, consumer.position(tp));
            }
        } catch (WakeupException e) {
            closeConsumer();
            return; // closed during start-up
        } catch (Throwable t) {
            failure = t;
            LOG.error("release follower stopped before catching up with {}: {}", topic, t.toString(), t);
            closeConsumer();
            return;
        } finally {
            caughtUp.countDown();
        }
        try {
            follow();
        } finally {
            closeConsumer();
            installers.values().forEach(ReleaseInstaller::followingStopped);
        }
    }

    /** Polls until closed; a failing consumer is replaced after a back-off, resuming at the next unread offset. */
    private void follow() {
        while (running) {
            try {
                if (consumer == null) {
                    Consumer<String, byte[]> c = consumers.get();
                    consumer = c;
                    for (TopicPartition tp : assign(c)) {
                        Long at = next.get(tp);
                        if (at != null) {
                            c.seek(tp, at);
                        } else {
                            c.seekToBeginning(List.of(tp)); // a partition added since: read it whole
                        }
                    }
                }
                ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(200));
                if (backoff.streak() > 0) {
                    // recovered before the records are handled, so their statuses say FOLLOWING, not RETRYING
                    LOG.info("release follower: reading {} again after {} failed attempt(s)", topic, backoff.streak());
                    int failures = backoff.streak();
                    installers.values().forEach(i -> i.followingRecovered(failures));
                    backoff.succeeded();
                }
                for (ConsumerRecord<String, byte[]> r : polled) {
                    follow(r);
                    next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                }
            } catch (WakeupException e) {
                if (running) {
                    retryAfter(e); // not ours: treat like any other consumer failure
                }
            } catch (RuntimeException e) {
                retryAfter(e);
            }
        }
    }

    private void retryAfter(RuntimeException e) {
        closeConsumer();
        Duration wait = backoff.failed();
        String error = e.toString();
        if (backoff.streak() == 1) { // once per streak: a broker outage must not flood the log
            LOG.warn("release follower: reading {} failed ({}); retrying with a capped back-off while the current"
                    + " versions keep serving", topic, error, e);
            installers.values().forEach(i -> i.followingFailed(error, wait));
        } else {
            LOG.debug("release follower: attempt {} failed: {}", backoff.streak(), error);
            installers.values().forEach(i -> i.followingFailedAgain(error));
        }
        try {
            stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Assigns every partition of the topic; fails when it has none (missing topic). */
    private List<TopicPartition> assign(Consumer<String, byte[]> c) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist: create it (compacted), or run with"
                    + " --create-topics");
        }
        List<TopicPartition> parts = new ArrayList<>();
        infos.forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
        c.assign(parts);
        return parts;
    }

    private void closeConsumer() {
        Consumer<String, byte[]> c = consumer;
        consumer = null;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the releases consumer failed: {}", e.toString());
            }
        }
    }

    /** Reads up to the end offsets of now, then installs per model the best candidate that passes. */
    private void catchUp(List<TopicPartition> parts) {
        Consumer<String, byte[]> consumer = this.consumer;
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        Map<String, List<SignedRelease>> trustedByModel = new LinkedHashMap<>();
        while (running && !reached(end)) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                SignedRelease release = decode(r);
                ReleaseInstaller<?> installer = release == null ? null
                        : installers.get(release.release().getModelName());
                if (installer == null) {
                    continue;
                }
                try {
                    ReleaseSigning.verify(release, trusted);
                    trustedByModel.computeIfAbsent(installer.modelName(), k -> new ArrayList<>()).add(release);
                } catch (ReleaseRejectedException e) {
                    installer.reject(release.release(), e.reason(), e.getMessage());
                }
            }
        }
        for (ReleaseInstaller<?> installer : installers.values()) {
            // compaction keeps only each model's latest record: releases served before may survive only in the
            // cache; they go first (they were published before anything still on the topic) and are verified
            // exactly like the topic's, then the same policy picks
            Set<ModelRelease> fromCache = Collections.newSetFromMap(new IdentityHashMap<>());
            Map<ModelRelease, SignedRelease> signedOf = new IdentityHashMap<>();
            List<ModelRelease> all = new ArrayList<>();
            for (SignedRelease cached : installer.cachedReleases()) {
                try {
                    ReleaseSigning.verify(cached, trusted);
                    fromCache.add(cached.release());
                    signedOf.put(cached.release(), cached);
                    all.add(cached.release());
                } catch (ReleaseRejectedException e) {
                    installer.reject(cached.release(), e.reason(), "cached record: " + e.getMessage());
                }
            }
            for (SignedRelease r : trustedByModel.getOrDefault(installer.modelName(), List.of())) {
                signedOf.put(r.release(), r);
                all.add(r.release());
            }
            List<ModelRelease> candidates = ReleasePolicy.startupCandidates(all, installer.servingVersion());
            boolean installed = false;
            for (ModelRelease r : candidates) {
                SignedRelease signed = signedOf.get(r);
                if (fromCache.contains(r) ? installer.installCached(signed) : installer.install(signed)) {
                    installed = true;
                    break;
                }
            }
            if (!installed) {
                installer.reportServing();
            }
            LOG.info("model {}: serving {} after reading {} and {} cached release(s) ({} candidate(s))",
                    installer.modelName(), installer.servingVersion(), topic, fromCache.size(), candidates.size());
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        Consumer<String, byte[]> consumer = this.consumer;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void follow(ConsumerRecord<String, byte[]> r) {
        SignedRelease signed = decode(r);
        ModelRelease release = signed == null ? null : signed.release();
        ReleaseInstaller<?> installer = release == null ? null : installers.get(release.getModelName());
        if (installer == null) {
            return;
        }
        try {
            ReleaseSigning.verify(signed, trusted);
        } catch (ReleaseRejectedException e) {
            installer.reject(release, e.reason(), e.getMessage());
            return;
        }
        if (ReleasePolicy.worthInstalling(release, installer.servingVersion())) {
            installer.install(signed);
        } else {
            installer.reject(release, io.visionstreams.release.RejectReason.NOT_NEWER, "version " + release.getVersion()
                    + " is not newer than " + installer.servingVersion() + " and not a pin");
        }
    }

    /**
     * The release in a record, kept with its bytes as published (what its signature is checked against); null
     * for a tombstone or bytes that are not a ModelRelease (logged). A record in a ModelRelease schema this build
     * does not know cannot be read at all: it is rejected as UNKNOWN_SCHEMA for the model its key names, so an
     * operator sees that this instance needs an upgrade rather than a forgery.
     */
    private SignedRelease decode(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return SignedRelease.decode(r.value());
        } catch (ReleaseRejectedException e) {
            ReleaseInstaller<?> installer = r.key() == null ? null : installers.get(r.key());
            if (installer != null) {
                installer.rejectUnreadable(e.reason(), r.topic() + "-" + r.partition() + "@" + r.offset() + ": "
                        + e.getMessage());
            } else {
                LOG.debug("{}-{}@{}: {} (key {}, not a model served here)", r.topic(), r.partition(), r.offset(),
                        e.getMessage(), r.key());
            }
            return null;
        } catch (RuntimeException e) {
            LOG.warn("{}-{}@{}: not a ModelRelease, skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    /** Stops following: an install in progress finishes first; a back-off wait ends at once. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        stopping.countDown();
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        thread.join(60_000);
    }
}
