package io.visionstreams.models;

/**
 * Just enough of the protobuf wire format to walk an ONNX file without ONNX classes on the service classpath:
 * nested messages, varints, strings, packed repeated numbers. {@link #next()} consumes each field's value, so
 * fields we do not care about need no explicit skipping. Malformed input fails with IllegalArgumentException.
 */
public final class ProtoReader {
    public static final int VARINT = 0;
    public static final int I64 = 1;
    public static final int LEN = 2;
    public static final int I32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;
    private int field;
    private int wireType;
    private long varint;
    private int i32;
    private int lenStart;
    private int len;

    public ProtoReader(byte[] buf, int start, int end) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
    }

    public boolean next() {
        if (pos >= end) {
            return false;
        }
        long tag = readVarint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        switch (wireType) {
            case VARINT -> varint = readVarint();
            case I64 -> advance(8);
            case I32 -> advance(4);
            case LEN -> {
                long l = readVarint();
                if (l < 0 || l > end - pos) {
                    throw new IllegalArgumentException("not an ONNX model: field " + field + " length " + l
                            + " runs past the end");
                }
                len = (int) l;
                lenStart = pos;
                pos += len;
            }
            default -> throw new IllegalArgumentException("not an ONNX model: wire type " + wireType
                    + " at offset " + pos);
        }
        return true;
    }

    public int field() {
        return field;
    }

    public int wireType() {
        return wireType;
    }

    public long varintValue() {
        return varint;
    }

    public ProtoReader message() {
        return new ProtoReader(buf, lenStart, lenStart + len);
    }

    private void advance(int n) {
        if (n > end - pos) {
            throw new IllegalArgumentException("not an ONNX model: truncated at offset " + pos);
        }
        pos += n;
    }

    private long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new IllegalArgumentException("not an ONNX model: truncated varint at offset " + pos);
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("not an ONNX model: malformed varint");
    }

    /** The current length-delimited field as UTF-8 text (protobuf strings). */
    public String string() {
        return new String(buf, lenStart, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The current length-delimited field's bytes. */
    public byte[] bytes() {
        return java.util.Arrays.copyOfRange(buf, lenStart, lenStart + len);
    }

    /** The current I32 field as a float (protobuf {@code float}). */
    public float floatValue() {
        return Float.intBitsToFloat(i32);
    }

    /** Appends the current field's int64 values to {@code out}: one varint, or a packed run of them. */
    public void int64s(java.util.List<Long> out) {
        if (wireType == VARINT) {
            out.add(varint);
            return;
        }
        ProtoReader packed = new ProtoReader(buf, lenStart, lenStart + len);
        while (packed.pos < packed.end) {
            out.add(packed.readVarint());
        }
    }

    /** Appends the current field's float values to {@code out}: one I32, or a packed run of them. */
    public void floats(java.util.List<Float> out) {
        if (wireType == I32) {
            out.add(floatValue());
            return;
        }
        for (int p = lenStart; p + 4 <= lenStart + len; p += 4) {
            out.add(Float.intBitsToFloat(littleEndianInt(buf, p)));
        }
    }

    static int littleEndianInt(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }
}
