package io.visionstreams.ops;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.streams.Topology;

import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.topology.DisparityEstimator;
import io.visionstreams.topology.FrameIntake;
import io.visionstreams.topology.PairMatcher;
import io.visionstreams.topology.PatchMatchTopology;
import io.visionstreams.topology.StereoTopology;
import io.visionstreams.topology.StyleTopology;

/**
 * The stereo or the matching topology running against a cluster, with the estimator or matcher it
 * owns. Records on these topologies carry two frames, so client and internal-topic sizes are set for
 * twice the frame limit; the per-image limit stays {@code maxFrameBytes}.
 */
public final class TopologyService implements AutoCloseable {

    /** Instance settings; {@code maxFrameBytes} is the limit of one image. */
    public record Settings(String applicationId, int streamThreads, Path stateDir, int replicationFactor,
                           int maxFrameBytes) {
    }

    private final StreamsRunner runner;
    private final AutoCloseable owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TopologyService(StreamsRunner runner, AutoCloseable owned) {
        this.runner = runner;
        this.owned = owned;
    }

    /** Starts the stereo topology; the service owns (and closes) the estimator from here on. */
    public static TopologyService stereo(Properties clientProps, Settings s, StereoTopology.Topics topics,
                                         StereoTopology.Options options, DisparityEstimator estimator) {
        try {
            return start(clientProps, s, StereoTopology.build(topics, options, intake(s), estimator), estimator);
        } catch (RuntimeException e) {
            estimator.close();
            throw e;
        }
    }

    /** Starts the matching topology; the service owns (and closes) the matcher from here on. */
    public static TopologyService match(Properties clientProps, Settings s, PatchMatchTopology.Topics topics,
                                        PairMatcher matcher) {
        try {
            return start(clientProps, s, PatchMatchTopology.build(topics, intake(s), matcher), matcher);
        } catch (RuntimeException e) {
            matcher.close();
            throw e;
        }
    }

    /**
     * Starts the stylisation topology; the service owns (and closes) the deployment from here on.
     * Records carry one frame, but a stylised PNG may outgrow the JPEG it came from, so clients get the
     * same two-frame room as the pair topologies.
     */
    public static TopologyService stylize(Properties clientProps, Settings s, StyleTopology.Topics topics,
                                          StylizerDeployment deployment, StyleSelection defaultStyle) {
        return stylize(clientProps, s, topics, new ModelSlot<>(deployment), defaultStyle);
    }

    /** Starts the stylisation topology over {@code slot} (a release follower may swap it); the service owns the slot. */
    public static TopologyService stylize(Properties clientProps, Settings s, StyleTopology.Topics topics,
                                          ModelSlot<StylizerDeployment> slot, StyleSelection defaultStyle) {
        try {
            return start(clientProps, s, StyleTopology.build(topics, intake(s), slot, defaultStyle), slot);
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    private static FrameIntake intake(Settings s) {
        ImageLimits d = ImageLimits.defaults();
        return new FrameIntake(new ImageLimits(s.maxFrameBytes(), d.maxWidth(), d.maxHeight(), d.maxPixels()));
    }

    private static TopologyService start(Properties clientProps, Settings s, Topology topology, AutoCloseable owned) {
        // a record holds two frames (a pair, or a dead letter of one)
        Properties props = StreamsSettings.build(clientProps, s.applicationId(), s.streamThreads(), s.stateDir(),
                s.replicationFactor(), Math.multiplyExact(2, s.maxFrameBytes()));
        return new TopologyService(new StreamsRunner(s.applicationId(), topology, props).start(), owned);
    }

    public StreamsRunner runner() {
        return runner;
    }

    /** Stops the streams instance (leaving the group), then the estimator or matcher. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            runner.close();
        } finally {
            try {
                owned.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(TopologyService.class).warn("closing {} failed", owned, e);
            }
        }
    }
}
