package io.visionstreams.topology;

import java.nio.file.Path;
import java.util.Properties;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.VisionSerdes;

/** The topology tests' shared set-up: a test driver and the raw-bytes input, keyed-result and dead-letter topics. */
final class TestDrivers {

    private TestDrivers() {
    }

    /** A driver over {@code topology} whose state lives in {@code stateDir} (no broker is contacted). */
    static TopologyTestDriver start(Topology topology, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new TopologyTestDriver(topology, props);
    }

    /** An input topic taking raw key and value bytes, as the topologies consume them. */
    static TestInputTopic<byte[], byte[]> rawInput(TopologyTestDriver driver, String topic) {
        return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A result topic keyed by a string id (source, rig or pair id). */
    static <T extends SpecificRecordBase> TestOutputTopic<String, T> results(TopologyTestDriver driver, String topic,
                                                                            AvroSerde<T> serde) {
        return driver.createOutputTopic(topic, new StringDeserializer(), serde.deserializer());
    }

    /** The dead-letter topic, keyed by the original key bytes. */
    static TestOutputTopic<byte[], DeadLetter> deadLetters(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), VisionSerdes.deadLetter().deserializer());
    }
}
