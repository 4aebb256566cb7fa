package io.visionstreams.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.DynamicBatcher;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.release.DirectoryArtifactStore;
import io.visionstreams.release.RejectReason;
import io.visionstreams.release.ReleaseFetcher;
import io.visionstreams.release.ReleaseKeys;
import io.visionstreams.release.ReleaseSigning;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.FollowingState;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.ModelStatus;
import io.visionstreams.schema.ServingState;
import io.visionstreams.schema.VisionSerdes;

/**
 * The follower's retry loop without a broker: Kafka's MockConsumer stands in for each attempt's consumer.
 * Releases here are signed by a key the instance does not trust, so reading one shows up as an
 * UNTRUSTED_KEY rejection without fetching or loading anything.
 */
class ReleaseFollowerRetryTest {

    static final String TOPIC = "releases";
    static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir
    Path tmp;

    /** Stands in for a loaded model: the installer only reads its descriptor unless a release is installed. */
    record FakeDeployment(LoadedModel model) implements ModelDeployment {
        @Override
        public InferenceSession session() {
            throw new UnsupportedOperationException();
        }

        @Override
        public DynamicBatcher batcher() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    static MockConsumer<String, byte[]> consumer(Runnable... pollTasks) {
        MockConsumer<String, byte[]> c = new MockConsumer<>("earliest");
        c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
        c.updateBeginningOffsets(Map.of(TP, 0L));
        for (Runnable t : pollTasks) {
            c.schedulePollTask(t);
        }
        return c;
    }

    static ConsumerRecord<String, byte[]> record(long offset, ModelRelease r) {
        return new ConsumerRecord<>(TOPIC, 0, offset, r.getModelName(), VisionSerdes.modelRelease().encode(r));
    }

    static ModelRelease release(String model, String version, KeyPair key) {
        ModelRelease unsigned = ModelRelease.newBuilder().setModelName(model).setVersion(version)
                .setPublishedAt(Instant.now()).setArtifacts(List.of()).setPinned(false).setKeyId("")
                .setSignature(ByteBuffer.allocate(0)).build();
        return ReleaseSigning.sign(unsigned, key.getPrivate(), key.getPublic());
    }

    @Test
    void aConsumerFailureAfterCatchUpIsRetriedWithBackOffResumingAtTheNextUnreadOffset() throws Exception {
        LoadedModel served = ModelZoo.loadBundled(ModelZoo.DEFAULT_DETECTOR);
        String model = served.descriptor().name();
        KeyPair trusted = ReleaseKeys.generate();
        KeyPair stranger = ReleaseKeys.generate();
        List<ModelStatus> statuses = Collections.synchronizedList(new ArrayList<>());
        ServingMetrics metrics = new ServingMetrics(model, served.descriptor().version());
        ReleaseInstaller<FakeDeployment> installer = new ReleaseInstaller<>("i1",
                new ModelSlot<>(new FakeDeployment(served)), m -> new FakeDeployment(m),
                new ReleaseFetcher(new DirectoryArtifactStore(tmp.resolve("store")), TrustedKeys.of(trusted.getPublic()),
                        tmp.resolve("cache")),
                statuses::add, metrics, ReleaseInstaller.Checks.defaults());

        ModelRelease a = release(model, "2", stranger);
        ModelRelease b = release(model, "3", stranger);
        Deque<MockConsumer<String, byte[]>> attempts = new ArrayDeque<>();
        List<MockConsumer<String, byte[]>> handedOut = Collections.synchronizedList(new ArrayList<>());
        // 1: catches up over record 0, then its next poll fails; 2: fails at once; 3: works and sees record 1
        MockConsumer<String, byte[]> first = consumer();
        first.updateEndOffsets(Map.of(TP, 1L));
        first.schedulePollTask(() -> first.addRecord(record(0, a)));
        first.schedulePollTask(() -> first.setPollException(new KafkaException("broker connection lost")));
        attempts.add(first);
        MockConsumer<String, byte[]> second = consumer();
        second.schedulePollTask(() -> second.setPollException(new KafkaException("still down")));
        attempts.add(second);
        MockConsumer<String, byte[]> third = consumer();
        third.schedulePollTask(() -> {
            third.addRecord(record(0, a)); // already read: resuming at offset 1 must skip it
            third.addRecord(record(1, b));
        });
        attempts.add(third);

        ReleaseFollower follower = new ReleaseFollower(() -> {
            MockConsumer<String, byte[]> c = attempts.poll();
            if (c == null) {
                throw new AssertionError("more attempts than expected");
            }
            handedOut.add(c);
            return (Consumer<String, byte[]>) c;
        }, TOPIC, TrustedKeys.of(trusted.getPublic()), List.of(installer),
                new RetryBackoff(Duration.ofMillis(10), Duration.ofMillis(40)));
        try {
            follower.start().awaitCaughtUp(Duration.ofSeconds(10));
            assertNotNull(ModelStatuses.await(statuses, s -> "3".equals(s.getLastRelease())), "release 3 read after recovery: " + statuses);
            ModelStatus recovered = ModelStatuses.await(statuses, s -> s.getReason() == null && s.getMessage() != null
                    && s.getMessage().contains("recovered after 2"));
            assertNotNull(recovered, "recovery reported: " + statuses);
            assertEquals(FollowingState.FOLLOWING, recovered.getFollowing());
            assertTrue(follower.isAlive(), "still following");
        } finally {
            follower.close();
        }
        assertFalse(follower.isAlive());
        assertEquals(3, handedOut.size());
        handedOut.forEach(c -> assertTrue(c.closed(), "every consumer closed"));

        assertEquals(1, count(statuses, s -> "2".equals(s.getLastRelease()) && s.getState() == ServingState.REJECTED),
                "release 2 handled once, not again after the retry");
        assertEquals(1, count(statuses, s -> "3".equals(s.getLastRelease()) && s.getState() == ServingState.REJECTED));
        assertEquals(RejectReason.UNTRUSTED_KEY.name(), statuses.stream()
                .filter(s -> "3".equals(s.getLastRelease())).reduce((x, y) -> y).orElseThrow().getReason());
        List<ModelStatus> failed = statuses.stream()
                .filter(s -> s.getFollowing() == FollowingState.RETRYING).toList();
        assertEquals(1, failed.size(), "one report per failure streak: " + statuses);
        assertEquals(ServingState.SERVING, failed.get(0).getState());
        assertNull(failed.get(0).getReason(), "reason is only ever why a release was not installed");
        assertNull(failed.get(0).getLastRelease());
        statuses.stream().filter(s -> s.getReason() != null).forEach(s -> assertEquals(s.getReason(),
                RejectReason.valueOf(s.getReason()).name(), "every reason is a RejectReason"));
        assertEquals(FollowingState.FOLLOWING, statuses.get(0).getFollowing(), "release 2, read while following");
        assertEquals(FollowingState.FOLLOWING, statuses.stream().filter(s -> "3".equals(s.getLastRelease()))
                .reduce((x, y) -> y).orElseThrow().getFollowing(), "release 3 came with the poll that recovered");
        assertEquals(served.descriptor().version(), failed.get(0).getServingVersion(), "the old version keeps serving");
        assertTrue(failed.get(0).getMessage().contains("broker connection lost"), failed.get(0).getMessage());
        assertEquals(2, metrics.getFollowingFailures());
        assertTrue(metrics.getLastFollowingError().contains("still down"), metrics.getLastFollowingError());
        assertEquals("STOPPED", metrics.getFollowingState());
        assertEquals(0, metrics.getSwaps());
    }

    @Test
    void closeEndsABackOffWaitAtOnce() throws Exception {
        LoadedModel served = ModelZoo.loadBundled(ModelZoo.DEFAULT_DETECTOR);
        KeyPair trusted = ReleaseKeys.generate();
        ServingMetrics metrics = new ServingMetrics(served.descriptor().name(), served.descriptor().version());
        ReleaseInstaller<FakeDeployment> installer = new ReleaseInstaller<>("i1",
                new ModelSlot<>(new FakeDeployment(served)), m -> new FakeDeployment(m),
                new ReleaseFetcher(new DirectoryArtifactStore(tmp.resolve("store")), TrustedKeys.of(trusted.getPublic()),
                        tmp.resolve("cache")),
                s -> { }, metrics, ReleaseInstaller.Checks.defaults());
        MockConsumer<String, byte[]> first = consumer();
        first.updateEndOffsets(Map.of(TP, 0L));
        first.schedulePollTask(() -> first.setPollException(new KafkaException("down")));
        List<MockConsumer<String, byte[]>> handedOut = Collections.synchronizedList(new ArrayList<>(List.of(first)));
        ReleaseFollower follower = new ReleaseFollower(() -> {
            if (handedOut.isEmpty()) {
                throw new KafkaException("cannot connect"); // every later attempt fails too
            }
            return handedOut.remove(0);
        }, TOPIC, TrustedKeys.of(trusted.getPublic()), List.of(installer),
                new RetryBackoff(Duration.ofMinutes(10), Duration.ofMinutes(10)));
        follower.start().awaitCaughtUp(Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (metrics.getFollowingFailures() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals("RETRYING", metrics.getFollowingState());
        follower.close(); // waiting out a 10-minute back-off would time the join out
        assertFalse(follower.isAlive(), "closed during the back-off");
        assertTrue(first.closed());
    }

    private static long count(List<ModelStatus> statuses, Predicate<ModelStatus> p) {
        synchronized (statuses) {
            return statuses.stream().filter(p).count();
        }
    }
}
