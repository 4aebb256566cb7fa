package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;

import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.lifecycle.ModelDeployment;
import io.visionstreams.lifecycle.ModelSlot;
import io.visionstreams.lifecycle.ReleaseInstaller;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.ops.DetectionService;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.ReleaseFollowing;
import io.visionstreams.ops.StreamsRunner;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.ops.TopologyService;
import io.visionstreams.topology.DetectionTopology;
import io.visionstreams.topology.PatchMatchTopology;
import io.visionstreams.topology.StereoTopology;
import io.visionstreams.topology.StyleTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The topologies against an external cluster, until stopped (SIGTERM/Ctrl-C close cleanly). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the topologies against a Kafka cluster described by a standard client properties file.")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", required = true,
            description = "Kafka client properties (bootstrap.servers, security.protocol, sasl.*, ssl.* pass through unchanged).")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Overrides bootstrap.servers of the config file.")
    String bootstrap;

    /** What this instance runs; each task is its own Kafka Streams application (own id, scaled on its own). */
    enum Task { detection, stereo, match, stylize }

    @Option(names = "--task", defaultValue = "detection",
            description = "Topology to run: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). Run one process per task.")
    Task task;

    @Option(names = "--application-id",
            description = "Kafka Streams application id; instances with the same id share the partitions (default: vision-streams-TASK).")
    String applicationId;

    @Option(names = "--stream-threads", defaultValue = "4",
            description = "Stream threads; also the largest batch that can form across them (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--state-dir", description = "State directory of this instance (default: a new temporary directory).")
    Path stateDir;

    @Option(names = "--frames-topic", defaultValue = "frames") String framesTopic;
    @Option(names = "--detections-topic", defaultValue = "detections") String detectionsTopic;
    @Option(names = "--dead-letter-topic", defaultValue = "dead-letter") String deadLetterTopic;

    @Option(names = "--create-topics", description = "Create missing topics before starting.")
    boolean createTopics;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions for created topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "3",
            description = "Replication of created and internal topics (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--max-frame-bytes", defaultValue = "8388608", description = "Largest frame payload (default: ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @Mixin
    ServingOptions serving;

    @Mixin
    PairTaskOptions pairTask;

    @Mixin
    StyleTaskOptions styleTask;

    @Mixin
    ReleaseFollowOptions releases;

    /** Released by SIGTERM/Ctrl-C (or by a test) to stop serving. */
    final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        releases.validate();
        if (releases.follow && (task == Task.stereo || task == Task.match)) {
            throw new IllegalArgumentException("--follow-releases applies to the detection and stylize tasks, not " + task);
        }
        Properties client = KafkaClientConfig.load(config, bootstrap);
        String appId = applicationId != null ? applicationId : "vision-streams-" + task;
        Path dir = stateDir != null ? stateDir : Files.createTempDirectory("vision-streams-state-");
        Started service = switch (task) {
            case detection -> startDetection(client, appId, dir);
            case stereo -> startStereo(client, appId, dir);
            case match -> startMatch(client, appId, dir);
            case stylize -> startStylize(client, appId, dir);
        };
        // SIGTERM/Ctrl-C: the hook asks the main thread to stop and waits until the service has closed
        // (leaving the group), because the JVM halts as soon as the hooks return
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(45, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            service.runner().awaitRunning(Duration.ofMinutes(5));
            System.err.println(appId + " running: " + service.description() + " (dead letters: " + deadLetterTopic + ")");
            stop.await();
        } finally {
            service.close();
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is waiting for `closed`, which is now released
            }
        }
        return 0;
    }

    /** A started topology: what to close, its runner, and one line saying what flows where. */
    private record Started(AutoCloseable closer, StreamsRunner runner, String description) {
        void close() throws Exception {
            closer.close();
        }
    }

    private void createTopics(Properties client, List<TopicAdmin.TopicSpec> specs) throws Exception {
        if (createTopics) {
            try (Admin admin = Admin.create(client)) {
                List<String> created = TopicAdmin.ensureTopics(admin, specs, replicationFactor, maxFrameBytes);
                System.err.println("created topics: " + created);
            }
        }
    }

    private Started startDetection(Properties client, String appId, Path dir) throws Exception {
        DetectionTopology.Topics topics = new DetectionTopology.Topics(framesTopic, detectionsTopic, deadLetterTopic);
        createTopics(client, topics.specs(partitions));
        createReleaseTopics(client);
        DetectionService.Settings s = new DetectionService.Settings(appId, streamThreads, dir, replicationFactor,
                maxFrameBytes, topics);
        DetectorDeployment.Settings ds = serving.settings();
        ModelSlot<DetectorDeployment> slot = new ModelSlot<>(DetectorDeployment.open(ds));
        // the follower installs the best release before the topology starts, so no record runs on a stale version
        ReleaseFollowing following = startFollowing(client, dir, slot, model -> DetectorDeployment.open(ds, model));
        DetectionService service;
        try {
            service = DetectionService.start(client, s, slot);
        } catch (RuntimeException e) {
            closeQuietly(following);
            throw e;
        }
        return new Started(both(following, service), service.runner(), framesTopic + " -> " + detectionsTopic
                + (following != null ? " (following " + releases.releasesTopic + ")" : ""));
    }

    private void createReleaseTopics(Properties client) throws Exception {
        if (createTopics && releases.follow) {
            try (Admin admin = Admin.create(client)) {
                TopicAdmin.ensureTopics(admin, ReleaseFollowing.topicSpecs(releases.releasesTopic, releases.statusTopic),
                        replicationFactor, maxFrameBytes);
            }
        }
    }

    /** Starts following when asked; on failure closes the slot (nothing serves it yet). */
    private <T extends ModelDeployment> ReleaseFollowing startFollowing(Properties client, Path dir, ModelSlot<T> slot,
                                                                       ReleaseInstaller.Opener<T> opener)
            throws Exception {
        if (!releases.follow) {
            return null;
        }
        try {
            return releases.start(client, dir, serving.runtime, slot, opener);
        } catch (Exception | Error e) {
            slot.close();
            throw e;
        }
    }

    /** Closes the follower first (no swap after that), then the service. */
    private static AutoCloseable both(ReleaseFollowing following, AutoCloseable service) {
        return () -> {
            try {
                closeQuietly(following);
            } finally {
                service.close();
            }
        };
    }

    private static void closeQuietly(ReleaseFollowing f) {
        if (f != null) {
            f.close();
        }
    }

    private Started startStereo(Properties client, String appId, Path dir) throws Exception {
        StereoTopology.Topics topics = pairTask.stereoTopics(deadLetterTopic);
        StereoTopology.Options options = pairTask.stereoOptions();
        createTopics(client, topics.specs(partitions));
        TopologyService service = TopologyService.stereo(client, settings(appId, dir), topics, options, pairTask.estimator(serving.runtime, serving.intraOpThreads));
        return new Started(service, service.runner(), topics.pairs() + (options.pairHalves() ? " + " + topics.left()
                + "/" + topics.right() : "") + " -> " + topics.disparity());
    }

    private Started startMatch(Properties client, String appId, Path dir) throws Exception {
        PatchMatchTopology.Topics topics = pairTask.matchTopics(deadLetterTopic);
        createTopics(client, topics.specs(partitions));
        TopologyService service = TopologyService.match(client, settings(appId, dir), topics, pairTask.matcher(serving.runtime, serving.intraOpThreads));
        return new Started(service, service.runner(), topics.pairs() + " -> " + topics.matches());
    }

    private Started startStylize(Properties client, String appId, Path dir) throws Exception {
        StyleTopology.Topics topics = styleTask.topics(framesTopic, deadLetterTopic);
        createTopics(client, topics.specs(partitions));
        createReleaseTopics(client);
        StylizerDeployment.Settings ss = styleTask.settings(serving);
        StylizerDeployment deployment = StylizerDeployment.open(ss);
        StyleSelection defaultStyle;
        try {
            defaultStyle = styleTask.defaultStyle(deployment.stylizer());
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
        List<String> styles = deployment.stylizer().translator().spec().styles();
        ModelSlot<StylizerDeployment> slot = new ModelSlot<>(deployment);
        // records name styles and the default style is over this list: a release must keep it
        ReleaseFollowing following = startFollowing(client, dir, slot, StylizerDeployment.releaseOpener(ss, styles));
        TopologyService service;
        try {
            service = TopologyService.stylize(client, settings(appId, dir), topics, slot, defaultStyle);
        } catch (RuntimeException e) {
            closeQuietly(following);
            throw e;
        }
        return new Started(both(following, service), service.runner(), topics.frames() + " -> " + topics.stylized()
                + " (default style " + defaultStyle + ")" + (following != null ? " (following " + releases.releasesTopic
                + ")" : ""));
    }

    private TopologyService.Settings settings(String appId, Path dir) {
        return new TopologyService.Settings(appId, streamThreads, dir, replicationFactor, maxFrameBytes);
    }
}
