package io.visionstreams.schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
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
 *
 * <p>Decoding treats the bytes as untrusted: it is done here rather than by Avro's
 * {@code BinaryMessageDecoder} so that lengths and counts are checked against the message size
 * ({@link BoundedDecoder}) and trailing bytes are rejected. Every failure is a Kafka
 * {@link SerializationException}; a corrupt record can neither exhaust the heap nor hang.
 */
public final class AvroSerde<T extends SpecificRecordBase> implements Serde<T>, Serializer<T>, Deserializer<T> {

    static final int HEADER_SIZE = SingleObjectEncoding.HEADER_SIZE;

    private final Class<T> type;
    private final Schema schema;
    private final SpecificData model;
    private final SchemaStore store;
    private final BinaryMessageEncoder<T> encoder;
    /** One resolving reader per writer fingerprint seen; readers are safe to share between threads. */
    private final Map<Long, DatumReader<T>> readers = new ConcurrentHashMap<>();

    public AvroSerde(Class<T> type) {
        this(type, VisionSchemas.store());
    }

    public AvroSerde(Class<T> type, SchemaStore store) {
        this.type = type;
        this.schema = SpecificData.get().getSchema(type);
        // getForClass (not getForSchema) so the reader builds instances of exactly this class
        this.model = SpecificData.getForClass(type);
        this.store = store;
        this.encoder = new BinaryMessageEncoder<>(model, schema);
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
            return read(data);
        } catch (IOException | RuntimeException e) {
            // MissingSchemaException, BadHeaderException, EOF on truncated bodies, corrupt lengths,
            // and the arbitrary runtime errors a corrupt body can cause (bad unions, enum indexes)
            throw new SerializationException("cannot decode " + type.getSimpleName()
                    + (topic == null ? "" : " from topic " + topic) + ": " + describe(e), e);
        }
    }

    private T read(byte[] data) throws IOException {
        long fingerprint = SingleObjectEncoding.fingerprint(data);
        DatumReader<T> reader = readers.computeIfAbsent(fingerprint, this::readerFor);
        if (reader == null) {
            throw new MissingSchemaException(String.format("unknown writer schema fingerprint %016x: the writer"
                    + " used a %s schema this build does not have (add it to history/ or upgrade the reader)",
                    fingerprint, type.getSimpleName()));
        }
        return SingleObjectEncoding.readBody(data, reader, type.getSimpleName());
    }

    /** The reader from the writer schema with this fingerprint to our class, or null if unknown. */
    private DatumReader<T> readerFor(long fingerprint) {
        Schema writer = store.findByFingerprint(fingerprint);
        return writer == null ? null : new SpecificDatumReader<>(writer, schema, model);
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
