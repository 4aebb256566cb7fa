package io.visionstreams.ops;

import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.lifecycle.StatusReporter;
import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.ModelStatus;
import io.visionstreams.schema.VisionSerdes;

/** Writes {@link ModelStatus} records to the compacted status topic, keyed instanceId/modelName. */
public final class KafkaStatusReporter implements StatusReporter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStatusReporter.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final AvroSerde<ModelStatus> serde = VisionSerdes.modelStatus();

    public KafkaStatusReporter(Properties clientProps, String topic) {
        this.topic = topic;
        // status records are small: the default request size is plenty
        this.producer = new KafkaProducer<>(KafkaClientConfig.producer(clientProps, 64 * 1024), new StringSerializer(),
                new ByteArraySerializer());
    }

    @Override
    public void report(ModelStatus status) {
        producer.send(new ProducerRecord<>(topic, StatusReporter.key(status), serde.encode(status)), (meta, e) -> {
            if (e != null) {
                LOG.warn("status {} for {} not written: {}", status.getState(), StatusReporter.key(status), e.toString());
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
