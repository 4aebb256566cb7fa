package io.visionstreams.schema;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoder over one in-memory message that rejects any length or item count larger
 * than the bytes still unread, before anything is allocated.
 *
 * <p>Why: Avro's {@code BinaryDecoder} allocates {@code byte[length]} (strings, bytes) and the datum
 * reader allocates a collection of {@code count} slots as soon as the length is read. Avro 1.12.1
 * checks these only against {@code org.apache.avro.limits.bytes.maxLength},
 * {@code ...string.maxLength} and {@code ...collectionItems.maxLength}, which default to the VM array
 * limit (about 2^31) and are JVM-wide system properties read once in a static initialiser. A single
 * corrupt varint therefore asks for gigabytes and ends in OutOfMemoryError. The input size is the
 * natural bound: a string or bytes value of n bytes needs n more bytes, and every array item and map
 * entry of our schemas needs at least one byte (no array of null, empty record or zero-size fixed;
 * a schema with such items would need a different bound).
 */
final class BoundedDecoder extends Decoder {

    private final ByteArrayInputStream src;
    private final BinaryDecoder in;

    BoundedDecoder(byte[] data, int offset, int length) {
        this.src = new ByteArrayInputStream(data, offset, length);
        // the direct decoder reads no further ahead than asked, so src.available() is exact
        this.in = DecoderFactory.get().directBinaryDecoder(src, null);
    }

    /** Bytes not yet consumed. */
    int remaining() {
        return src.available();
    }

    private int length(long n, String what) throws IOException {
        if (n < 0 || n > remaining()) {
            throw new IOException("corrupt " + what + " length " + n + ": only " + remaining()
                    + " bytes left in the message");
        }
        return (int) n;
    }

    private long count(long n, String what) throws IOException {
        if (n < 0 || n > remaining()) {
            throw new IOException("corrupt " + what + " item count " + n + ": only " + remaining()
                    + " bytes left in the message");
        }
        return n;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int n = length(in.readLong(), "string");
        Utf8 s = old != null ? old : new Utf8();
        s.setByteLength(n);
        in.readFixed(s.getBytes(), 0, n);
        return s;
    }

    @Override
    public String readString() throws IOException {
        byte[] b = new byte[length(in.readLong(), "string")];
        in.readFixed(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length(in.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        // never reuses old: the serde always decodes into fresh records
        byte[] b = new byte[length(in.readLong(), "bytes")];
        in.readFixed(b);
        return ByteBuffer.wrap(b);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length(in.readLong(), "bytes"));
    }

    @Override
    public long readArrayStart() throws IOException {
        return count(in.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return count(in.arrayNext(), "array");
    }

    @Override
    public long skipArray() throws IOException {
        return count(in.skipArray(), "array");
    }

    @Override
    public long readMapStart() throws IOException {
        return count(in.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return count(in.mapNext(), "map");
    }

    @Override
    public long skipMap() throws IOException {
        return count(in.skipMap(), "map");
    }

    // ---------------------------------------------------------------- fixed-size values: no lengths to check

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int len) throws IOException {
        in.readFixed(bytes, start, len); // len comes from the schema, not from the data
    }

    @Override
    public void skipFixed(int len) throws IOException {
        in.skipFixed(len);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
