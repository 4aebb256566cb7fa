package io.visionstreams.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.TopicNameExtractor;

import io.visionstreams.schema.AvroSerde;

/**
 * One sink for a processor that emits several record types (results and dead letters): the topic is
 * chosen by the value's type, and each type is written in its own Avro single-object encoding.
 */
final class RecordRouting {

    private RecordRouting() {
    }

    /** Writes any generated Avro record with its own serde; byte arrays pass through. Write-only. */
    static Serde<Object> serde() {
        Map<Class<?>, AvroSerde<SpecificRecordBase>> serdes = new ConcurrentHashMap<>();
        Serializer<Object> ser = (topic, value) -> {
            if (value == null || value instanceof byte[]) {
                return (byte[]) value;
            }
            if (value instanceof SpecificRecordBase r) {
                @SuppressWarnings("unchecked")
                AvroSerde<SpecificRecordBase> s = serdes.computeIfAbsent(r.getClass(),
                        c -> new AvroSerde<>((Class<SpecificRecordBase>) c));
                return s.serialize(topic, r);
            }
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " to " + topic);
        };
        Deserializer<Object> none = (topic, data) -> {
            throw new UnsupportedOperationException("routing serde is write-only");
        };
        return Serdes.serdeFrom(ser, none);
    }

    /** The topic for each value type; an unmapped type is a programming error. */
    static TopicNameExtractor<byte[], Object> byType(Map<Class<?>, String> topics) {
        Map<Class<?>, String> copy = Map.copyOf(topics);
        return (key, value, ctx) -> {
            String t = copy.get(value.getClass());
            if (t == null) {
                throw new IllegalStateException("no output topic for " + value.getClass().getName());
            }
            return t;
        };
    }
}
