package io.visionstreams.ops;

import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams properties for one topology instance. The user's client properties (bootstrap,
 * security) pass through; on top: exactly-once v2, a per-instance state directory, and the fetch and
 * request sizes frames need, applied to the consumer and the (transactional) producer.
 */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    /**
     * @param clientProps      user's client properties (not modified)
     * @param applicationId    consumer group and transactional id prefix; instances sharing it share partitions
     * @param streamThreads    stream threads; also bounds the batch size the dynamic batcher can form
     * @param stateDir         this instance's own state directory
     * @param replication      replication factor of internal topics
     * @param maxFrameBytes    largest frame payload
     */
    public static Properties build(Properties clientProps, String applicationId, int streamThreads, Path stateDir,
                                   int replication, int maxFrameBytes) {
        Properties p = KafkaClientConfig.copy(clientProps);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(streamThreads));
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, String.valueOf(replication));
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        p.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        int maxRecord = KafkaClientConfig.maxRecordBytes(maxFrameBytes);
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), String.valueOf(maxRecord));
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), String.valueOf(maxRecord));
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG),
                String.valueOf(Math.max(maxRecord, 50 << 20)));
        // a frame is big: do not let one poll hand a thread more work than it can do before the
        // poll interval expires while it waits on inference
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "50");
        // internal topics (repartition, changelogs) carry frames too; the broker default (1 MB) would refuse them
        p.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), String.valueOf(maxRecord));
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "10000");
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");
        return p;
    }
}
