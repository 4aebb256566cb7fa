package io.visionstreams.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;

import io.visionstreams.lifecycle.ModelDeployment;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.lifecycle.ReleaseFollower;
import io.visionstreams.lifecycle.ReleaseInstaller;
import io.visionstreams.lifecycle.ServingMetrics;
import io.visionstreams.release.ArtifactStore;
import io.visionstreams.release.ReleaseFetcher;
import io.visionstreams.release.TrustedKeys;

/**
 * An instance following releases for the model in one slot: status reporter, metrics, installer and
 * follower, started together and closed in reverse order. {@link #start} returns once the releases
 * published so far were read and the best one installed, so the caller can start the topology on it.
 */
public final class ReleaseFollowing implements AutoCloseable {

    /**
     * Where releases come from and where status goes; {@code preparation} runs between fetching a release and
     * opening it (the TensorRT plan adoption of {@code --runtime tensorrt|auto}).
     */
    public record Settings(String instanceId, String releasesTopic, String statusTopic, Path cacheDir,
                           ReleaseInstaller.Checks checks, Duration catchUpTimeout,
                           ReleaseInstaller.Preparation preparation) {
        public Settings(String instanceId, String releasesTopic, String statusTopic, Path cacheDir,
                        ReleaseInstaller.Checks checks, Duration catchUpTimeout) {
            this(instanceId, releasesTopic, statusTopic, cacheDir, checks, catchUpTimeout, ReleaseInstaller.Preparation.NONE);
        }
    }

    private final KafkaStatusReporter status;
    private final ServingMetrics metrics;
    private final ReleaseInstaller<?> installer;
    private final ReleaseFollower follower;
    private final ArtifactStore store;

    private ReleaseFollowing(KafkaStatusReporter status, ServingMetrics metrics, ReleaseInstaller<?> installer,
                             ReleaseFollower follower, ArtifactStore store) {
        this.status = status;
        this.metrics = metrics;
        this.installer = installer;
        this.follower = follower;
        this.store = store;
    }

    /**
     * Starts following; owns {@code store} from here on (not the slot: the service serving it does).
     *
     * @throws IllegalStateException when the releases topic is missing or cannot be read in time
     */
    public static <T extends ModelDeployment> ReleaseFollowing start(Properties client, Settings s, ModelSlot<T> slot,
                                                                     ReleaseInstaller.Opener<T> opener,
                                                                     TrustedKeys trusted, ArtifactStore store)
            throws InterruptedException {
        KafkaStatusReporter status = new KafkaStatusReporter(client, s.statusTopic());
        String model = slot.peek().model().descriptor().name();
        ServingMetrics metrics = new ServingMetrics(model, slot.peek().model().descriptor().version()).registerJmx();
        ReleaseInstaller<T> installer = new ReleaseInstaller<>(s.instanceId(), slot, opener,
                new ReleaseFetcher(store, trusted, s.cacheDir()), status, metrics, s.checks())
                .preparingWith(s.preparation());
        ReleaseFollower follower = new ReleaseFollower(client, s.releasesTopic(), trusted, List.of(installer));
        ReleaseFollowing f = new ReleaseFollowing(status, metrics, installer, follower, store);
        try {
            follower.start().awaitCaughtUp(s.catchUpTimeout());
            return f;
        } catch (InterruptedException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** The compacted releases and status topics, one partition each (a handful of small records). */
    public static List<TopicAdmin.TopicSpec> topicSpecs(String releasesTopic, String statusTopic) {
        return List.of(new TopicAdmin.TopicSpec(releasesTopic, 1, true), new TopicAdmin.TopicSpec(statusTopic, 1, true));
    }

    /** Creates the releases and status topics when missing. */
    public static void ensureTopics(Properties client, String releasesTopic, String statusTopic, short replication)
            throws Exception {
        try (Admin admin = Admin.create(client)) {
            TopicAdmin.ensureTopics(admin, topicSpecs(releasesTopic, statusTopic), replication, 1024 * 1024);
        }
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    public ReleaseInstaller<?> installer() {
        return installer;
    }

    /** Stops following (an install in progress finishes first), then the status producer and metrics. */
    @Override
    public void close() {
        try {
            follower.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            status.close();
            metrics.close();
            store.close();
        }
    }
}
