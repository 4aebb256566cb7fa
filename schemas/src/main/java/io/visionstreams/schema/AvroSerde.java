package io.visionstreams.schema;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a generated Avro class using Avro single-object encoding: each value is
 * {@code C3 01} + the writer schema's CRC-64-AVRO fingerprint (8 bytes, little endian) + the
 * binary body. No registry is needed; the reader resolves the fingerprint in a {@link SchemaStore}
 * that holds every version this build knows. Null maps to null so tombstones pass through.
 */
public final class AvroSerde<T extends SpecificRecordBase> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    public AvroSerde(Class<T> type) {
        this(type, VisionSchemas.store());
    }

    public AvroSerde(Class<T> type, SchemaStore store) {
        this.type = type;
        Schema schema = SpecificData.get().getSchema(type);
        // getForClass (not getForSchema) so the reader builds instances of exactly this class
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, store);
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer buf = encoder.encode(data);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return decoder.decode(data);
        } catch (IOException | RuntimeException e) {
            // MissingSchemaException, BadHeaderException, EOF on truncated bodies, and the
            // arbitrary runtime errors a corrupt body can cause (negative lengths, bad unions)
            throw new SerializationException("cannot decode " + type.getSimpleName()
                    + (topic == null ? "" : " from topic " + topic) + ": " + describe(e), e);
        }
    }

    /** Decodes or throws; same as {@link #deserialize(String, byte[])} without a topic. */
    public T decode(byte[] data) {
        return deserialize(null, data);
    }

    public byte[] encode(T value) {
        return serialize(null, value);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the schema store is built in
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
