package io.visionstreams.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka cluster inside this JVM, for {@code demo}, {@code bench} and the
 * integration tests. It wraps Kafka's own test kit (internal API without compatibility promises, so
 * it is wrapped here and nowhere else). Always close it: broker threads are not daemons.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    private final KafkaClusterTestKit kit;
    private final boolean rethrowFaults;

    private EmbeddedKafkaCluster(KafkaClusterTestKit kit, boolean rethrowFaults) {
        this.kit = kit;
        this.rethrowFaults = rethrowFaults;
    }

    /**
     * Formats and starts a cluster of one combined broker+controller node, or one controller and
     * {@code brokers} brokers.
     *
     * @param brokers        number of brokers (1 for tests and the demo)
     * @param maxRecordBytes largest record the broker accepts (message.max.bytes)
     * @param rethrowFaults  tests want broker faults rethrown on close; the demo only logs them
     */
    public static EmbeddedKafkaCluster start(int brokers, int maxRecordBytes, boolean rethrowFaults) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(brokers == 1)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        brokerConfig(brokers, maxRecordBytes).forEach(builder::setConfigProp);
        KafkaClusterTestKit kit = builder.build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception | Error e) {
            kit.close();
            throw e;
        }
        LOG.info("embedded Kafka ({} broker(s)) at {}", brokers, kit.bootstrapServers());
        return new EmbeddedKafkaCluster(kit, rethrowFaults);
    }

    static Map<String, Object> brokerConfig(int brokers, int maxRecordBytes) {
        String rf = String.valueOf(Math.min(3, brokers));
        Map<String, Object> c = new LinkedHashMap<>();
        // without these, transactions (EOS) and group offsets cannot be created on a small cluster
        c.put("offsets.topic.replication.factor", rf);
        c.put("offsets.topic.num.partitions", "5");
        c.put("transaction.state.log.replication.factor", rf);
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "5");
        c.put("share.coordinator.state.topic.replication.factor", rf);
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("auto.create.topics.enable", "false");
        c.put("message.max.bytes", String.valueOf(maxRecordBytes));
        c.put("replica.fetch.max.bytes", String.valueOf(maxRecordBytes));
        // the kit defaults to unstable versions; a demo and tests should run what users run
        c.put("unstable.api.versions.enable", "false");
        c.put("unstable.feature.versions.enable", "false");
        c.put("broker.session.timeout.ms", "2000");
        c.put("broker.heartbeat.interval.ms", "500");
        c.put("group.min.session.timeout.ms", "1000");
        return c;
    }

    public String bootstrapServers() {
        return kit.bootstrapServers();
    }

    /** Stops and restarts broker {@code id} (failover tests). */
    public void restartBroker(int id) throws Exception {
        kit.brokers().get(id).shutdown();
        kit.brokers().get(id).startup();
    }

    @Override
    public void close() throws Exception {
        try {
            kit.close();
        } catch (Exception e) {
            if (rethrowFaults) {
                throw e;
            }
            LOG.warn("embedded Kafka reported a fault while running: {}", e.toString());
        }
    }
}
