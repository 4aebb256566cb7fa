package io.visionstreams.ops;

import java.nio.file.Path;
import java.util.Properties;

import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.topology.DetectionTopology;
import io.visionstreams.topology.FrameIntake;

/**
 * The detection topology running against a cluster: a deployment (model, runtime, batcher) and a
 * Kafka Streams instance. One per process; scale out by starting more with the same application id.
 */
public final class DetectionService implements AutoCloseable {

    /** Instance settings beyond the model. */
    public record Settings(String applicationId, int streamThreads, Path stateDir, int replicationFactor,
                           int maxFrameBytes, DetectionTopology.Topics topics) {
    }

    private final ModelSlot<DetectorDeployment> slot;
    private final StreamsRunner runner;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private DetectionService(ModelSlot<DetectorDeployment> slot, StreamsRunner runner) {
        this.slot = slot;
        this.runner = runner;
    }

    /**
     * Starts serving. The service owns the deployment from here on: it is closed with the service, or
     * at once if the start fails.
     */
    public static DetectionService start(Properties clientProps, Settings s, DetectorDeployment deployment) {
        return start(clientProps, s, new ModelSlot<>(deployment));
    }

    /**
     * Starts serving whatever {@code slot} holds (a release follower may swap it); the service owns the
     * slot from here on and closes it with the service, or at once if the start fails.
     */
    public static DetectionService start(Properties clientProps, Settings s, ModelSlot<DetectorDeployment> slot) {
        try {
            ImageLimits d = ImageLimits.defaults();
            ImageLimits limits = new ImageLimits(s.maxFrameBytes(), d.maxWidth(), d.maxHeight(), d.maxPixels());
            var topology = DetectionTopology.build(s.topics(), new FrameIntake(limits), slot);
            Properties props = StreamsSettings.build(clientProps, s.applicationId(), s.streamThreads(), s.stateDir(),
                    s.replicationFactor(), s.maxFrameBytes());
            StreamsRunner runner = new StreamsRunner(s.applicationId(), topology, props).start();
            return new DetectionService(slot, runner);
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    public StreamsRunner runner() {
        return runner;
    }

    /** The served detector; a release follower swaps versions here. */
    public ModelSlot<DetectorDeployment> slot() {
        return slot;
    }

    /** Stops the streams instance (leaving the group), then the model. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            runner.close();
        } finally {
            slot.close();
        }
    }
}
