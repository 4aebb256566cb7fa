package io.visionstreams.ops;

import java.nio.file.Path;
import java.util.Properties;

import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.lifecycle.DetectorDeployment;
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

    private final DetectorDeployment deployment;
    private final StreamsRunner runner;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private DetectionService(DetectorDeployment deployment, StreamsRunner runner) {
        this.deployment = deployment;
        this.runner = runner;
    }

    /**
     * Starts serving. The service owns the deployment from here on: it is closed with the service, or
     * at once if the start fails.
     */
    public static DetectionService start(Properties clientProps, Settings s, DetectorDeployment deployment) {
        try {
            ImageLimits d = ImageLimits.defaults();
            ImageLimits limits = new ImageLimits(s.maxFrameBytes(), d.maxWidth(), d.maxHeight(), d.maxPixels());
            var topology = DetectionTopology.build(s.topics(), new FrameIntake(limits), deployment.detector());
            Properties props = StreamsSettings.build(clientProps, s.applicationId(), s.streamThreads(), s.stateDir(),
                    s.replicationFactor(), s.maxFrameBytes());
            StreamsRunner runner = new StreamsRunner(s.applicationId(), topology, props).start();
            return new DetectionService(deployment, runner);
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
    }

    public StreamsRunner runner() {
        return runner;
    }

    public DetectorDeployment deployment() {
        return deployment;
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
            deployment.close();
        }
    }
}
