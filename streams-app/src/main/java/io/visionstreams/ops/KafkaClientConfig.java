package io.visionstreams.ops;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Client properties for every Kafka client the project makes. A user's standard client properties
 * file (bootstrap servers, security.protocol, sasl.*, ssl.*) passes through unchanged; we only add
 * the size limits image payloads need, because Kafka's 1 MB defaults reject most frames.
 */
public final class KafkaClientConfig {

    /** Default largest frame record: 8 MiB of payload. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;
    /** Room for the Avro envelope, headers and batch overhead on top of the payload. */
    public static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

    private KafkaClientConfig() {
    }

    /**
     * Loads a client properties file (may be null) and applies a bootstrap override (may be null).
     *
     * @throws IllegalArgumentException when neither names bootstrap servers, or the file is unreadable
     */
    public static Properties load(Path configFile, String bootstrapServers) {
        Properties props = new Properties();
        if (configFile != null) {
            try (Reader r = Files.newBufferedReader(configFile)) {
                props.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read Kafka client config " + configFile + ": " + e.getMessage(), e);
            }
        }
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            props.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (props.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "").isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers: give --bootstrap-servers or a config file with "
                    + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        }
        return props;
    }

    /** Largest record (payload plus overhead) for a given frame payload limit. */
    public static int maxRecordBytes(int maxFrameBytes) {
        return maxFrameBytes + RECORD_OVERHEAD_BYTES;
    }

    /** Producer settings: idempotent, acks=all, request size large enough for one frame. */
    public static Properties producer(Properties base, int maxFrameBytes) {
        Properties p = copy(base);
        int maxRecord = maxRecordBytes(maxFrameBytes);
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(Math.max(maxRecord,
                intOr(base, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 0))));
        p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(Math.max(64L << 20, 4L * maxRecord)));
        return p;
    }

    /** Consumer settings: read_committed, fetch sizes large enough for one frame. */
    public static Properties consumer(Properties base, int maxFrameBytes) {
        Properties p = copy(base);
        int maxRecord = maxRecordBytes(maxFrameBytes);
        p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(Math.max(maxRecord,
                intOr(base, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 0))));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(Math.max(Math.max(maxRecord, 50 << 20),
                intOr(base, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 0))));
        return p;
    }

    public static Properties copy(Properties base) {
        Properties p = new Properties();
        p.putAll(base);
        return p;
    }

    private static int intOr(Properties p, String key, int dflt) {
        Object v = p.get(key);
        return v == null ? dflt : Integer.parseInt(v.toString().trim());
    }
}
