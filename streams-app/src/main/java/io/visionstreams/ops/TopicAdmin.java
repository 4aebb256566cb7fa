package io.visionstreams.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the project's topics, sized for image payloads. Existing topics are left as they are. */
public final class TopicAdmin {

    /** How long {@link #ensureTopics} waits for created topics to show in the brokers' metadata. */
    public static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(30);

    private TopicAdmin() {
    }

    /**
     * A topic to create: name, partitions, whether it is compacted (model releases, status), and how
     * many frames one record may carry (a stereo pair, or a dead letter holding one, carries two), which
     * sizes its {@code max.message.bytes}.
     */
    public record TopicSpec(String name, int partitions, boolean compacted, int framesPerRecord) {
        public TopicSpec {
            if (framesPerRecord < 1) {
                throw new IllegalArgumentException("framesPerRecord must be at least 1, got " + framesPerRecord);
            }
        }

        public TopicSpec(String name, int partitions, boolean compacted) {
            this(name, partitions, compacted, 1);
        }
    }

    /**
     * Creates each topic that does not exist yet.
     *
     * @return the names that were created now
     */
    public static List<String> ensureTopics(Admin admin, Collection<TopicSpec> topics, short replicationFactor,
                                            int maxFrameBytes) throws InterruptedException, ExecutionException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> create = new ArrayList<>();
        for (TopicSpec t : topics) {
            if (existing.contains(t.name())) {
                continue;
            }
            NewTopic nt = new NewTopic(t.name(), t.partitions(), replicationFactor);
            nt.configs(Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(
                            KafkaClientConfig.maxRecordBytes(Math.multiplyExact(maxFrameBytes, t.framesPerRecord()))),
                    TopicConfig.CLEANUP_POLICY_CONFIG, t.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT
                            : TopicConfig.CLEANUP_POLICY_DELETE));
            create.add(nt);
        }
        List<String> created = new ArrayList<>();
        if (create.isEmpty()) {
            return created;
        }
        try {
            admin.createTopics(create).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) { // another instance won the race: fine
                throw e;
            }
        }
        create.forEach(t -> created.add(t.name()));
        // the controller has committed the topics, but a broker applies the metadata a moment later: a client
        // that asks before then gets UnknownTopicOrPartition (seen under load), so return only once they show
        awaitVisible(admin, created, VISIBLE_TIMEOUT);
        return created;
    }

    /**
     * Waits until every topic is described by the brokers with a leader for each partition. Polls
     * {@code describeTopics} with a short, growing back-off until the deadline.
     *
     * @throws IllegalStateException when a topic is still not visible at the deadline
     */
    public static void awaitVisible(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, ExecutionException {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoffMs = 10;
        String missing;
        while (true) {
            missing = notYetVisible(admin, topics);
            if (missing == null) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("topics " + topics + " were created but " + missing
                        + " within " + timeout);
            }
            Thread.sleep(backoffMs);
            backoffMs = Math.min(200, backoffMs * 2);
        }
    }

    /** Null when every topic has all its partitions with a leader; else what is missing. */
    static String notYetVisible(Admin admin, Collection<String> topics) throws InterruptedException, ExecutionException {
        Map<String, TopicDescription> described;
        try {
            described = admin.describeTopics(topics).allTopicNames().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) { // UnknownTopicOrPartition and friends: not yet
                return "are not yet described (" + e.getCause().getClass().getSimpleName() + ")";
            }
            throw e;
        }
        for (String t : topics) {
            TopicDescription d = described.get(t);
            if (d == null || d.partitions().isEmpty()) {
                return "'" + t + "' has no partitions yet";
            }
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    return "'" + t + "' partition " + p.partition() + " has no leader yet";
                }
            }
        }
        return null;
    }
}
