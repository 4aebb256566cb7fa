package io.visionstreams.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Avro single-object encoding as plain functions: {@code C3 01}, the writer schema's CRC-64-AVRO
 * fingerprint (8 bytes, little endian), the binary body. {@link AvroSerde} decodes into this build's
 * classes; {@link #readAsWritten} decodes a record exactly as its writer wrote it (no resolution), for
 * code that must see every field the writer had, e.g. to check a signature made over those bytes.
 * Bodies are read with the {@link BoundedDecoder}, so untrusted bytes cannot exhaust the heap.
 */
public final class SingleObjectEncoding {

    public static final int HEADER_SIZE = 10;
    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;

    private SingleObjectEncoding() {
    }

    /**
     * The writer schema fingerprint in the header.
     *
     * @throws BadHeaderException when the bytes do not start with a single-object header
     */
    public static long fingerprint(byte[] data) {
        if (data == null || data.length < HEADER_SIZE || data[0] != MAGIC_0 || data[1] != MAGIC_1) {
            throw new BadHeaderException("not Avro single-object encoding (" + (data == null ? 0 : data.length)
                    + " bytes; expected C3 01 and an 8-byte schema fingerprint first)");
        }
        return ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Reads the body after the header with {@code reader}; the body must hold exactly one datum. */
    static <T> T readBody(byte[] data, DatumReader<T> reader, String what) throws IOException {
        BoundedDecoder in = new BoundedDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE);
        T value = reader.read(null, in);
        if (in.remaining() > 0) {
            // single-object encoding holds exactly one datum: extra bytes mean a corrupt record
            throw new IOException(in.remaining() + " trailing bytes after the " + what + " record");
        }
        return value;
    }

    /**
     * The record as its writer wrote it: decoded with {@code writer} as both writer and reader schema, so
     * no field is dropped or defaulted. The caller looked {@code writer} up by {@link #fingerprint}.
     *
     * @throws IOException for a truncated or corrupt body (or trailing bytes)
     */
    public static GenericRecord readAsWritten(byte[] data, Schema writer) throws IOException {
        if (fingerprint(data) != SchemaNormalization.parsingFingerprint64(writer)) {
            throw new IllegalArgumentException("the record was not written with schema " + writer.getFullName()
                    + " given here (fingerprints differ)");
        }
        try {
            return readBody(data, new GenericDatumReader<GenericRecord>(writer, writer, GenericData.get()),
                    writer.getName());
        } catch (RuntimeException e) { // bad union or enum index, negative lengths Avro itself rejects
            throw new IOException("corrupt " + writer.getName() + " record: " + e, e);
        }
    }

    /** Encodes a generic record with {@code writer}: header with its fingerprint, then the body. */
    public static byte[] write(Schema writer, GenericRecord r) {
        try {
            ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(r);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
