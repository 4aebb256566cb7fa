package io.visionstreams.ops;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the project's topics, sized for image payloads. Existing topics are left as they are. */
public final class TopicAdmin {

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
        return created;
    }
}
