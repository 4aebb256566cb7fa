package io.visionstreams.cli;

import java.nio.file.Path;
import java.util.Properties;

import io.visionstreams.ops.KafkaClientConfig;
import picocli.CommandLine.Option;

/** How a client command reaches Kafka: a standard client properties file and/or bootstrap servers. */
public final class KafkaConnectionOptions {

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (overrides the config file).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Kafka client properties file (bootstrap.servers, security settings etc. pass through unchanged).")
    Path config;

    /** The client properties; fails with a clear message when no bootstrap servers are given. */
    Properties load() {
        return KafkaClientConfig.load(config, bootstrapServers);
    }
}
