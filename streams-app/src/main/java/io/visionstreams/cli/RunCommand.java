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
import io.visionstreams.ops.DetectionService;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.TopicAdmin;
import io.visionstreams.topology.DetectionTopology;
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

    @Option(names = "--application-id", defaultValue = "vision-streams-detection",
            description = "Kafka Streams application id; instances with the same id share the partitions (default: ${DEFAULT-VALUE}).")
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

    /** Released by SIGTERM/Ctrl-C (or by a test) to stop serving. */
    final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Properties client = KafkaClientConfig.load(config, bootstrap);
        DetectionTopology.Topics topics = new DetectionTopology.Topics(framesTopic, detectionsTopic, deadLetterTopic);
        if (createTopics) {
            try (Admin admin = Admin.create(client)) {
                List<String> created = TopicAdmin.ensureTopics(admin, topics.specs(partitions), replicationFactor, maxFrameBytes);
                System.err.println("created topics: " + created);
            }
        }
        Path dir = stateDir != null ? stateDir : Files.createTempDirectory("vision-streams-state-");
        DetectionService.Settings s = new DetectionService.Settings(applicationId, streamThreads, dir, replicationFactor,
                maxFrameBytes, topics);
        DetectionService service = DetectionService.start(client, s, DetectorDeployment.open(serving.settings()));
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
            System.err.println(applicationId + " running: " + framesTopic + " -> " + detectionsTopic + " (dead letters: "
                    + deadLetterTopic + ")");
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
}
