package io.visionstreams.inference.tensorrt;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the engine cache and the manifest need to know about an ONNX file without loading it into a runtime:
 * its SHA-256 and its precision. TensorRT 11 has no FP16 builder flag, so the precision is whatever the ONNX
 * carries; we read it from the initializers' data types with a minimal protobuf walk (no ONNX classes on the
 * service classpath).
 */
public final class OnnxFacts {

    // onnx.TensorProto.DataType values
    private static final int FLOAT16 = 10;
    private static final int BFLOAT16 = 16;

    private OnnxFacts() {
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /**
     * "fp16" if any initializer is float16, "bf16" if any is bfloat16, else "fp32".
     *
     * @throws IllegalArgumentException if the bytes are not a parseable ONNX ModelProto
     */
    public static String precision(byte[] onnx) {
        boolean half = false;
        boolean bf16 = false;
        boolean sawGraph = false;
        ProtoReader model = new ProtoReader(onnx, 0, onnx.length);
        while (model.next()) {
            if (model.field() == 7 && model.wireType() == ProtoReader.LEN) { // ModelProto.graph
                sawGraph = true;
                ProtoReader graph = model.message();
                while (graph.next()) {
                    if (graph.field() == 5 && graph.wireType() == ProtoReader.LEN) { // GraphProto.initializer
                        ProtoReader tensor = graph.message();
                        while (tensor.next()) {
                            if (tensor.field() == 2 && tensor.wireType() == ProtoReader.VARINT) { // data_type
                                long t = tensor.varintValue();
                                half |= t == FLOAT16;
                                bf16 |= t == BFLOAT16;
                            }
                        }
                    }
                }
            }
        }
        if (!sawGraph) {
            throw new IllegalArgumentException("not an ONNX model: no graph field");
        }
        return half ? "fp16" : bf16 ? "bf16" : "fp32";
    }

    /**
     * Just enough of the protobuf wire format to walk nested messages and read varints; {@link #next()} consumes
     * each field's value, so fields we do not care about need no explicit skipping.
     */
    static final class ProtoReader {
        static final int VARINT = 0;
        static final int I64 = 1;
        static final int LEN = 2;
        static final int I32 = 5;

        private final byte[] buf;
        private int pos;
        private final int end;
        private int field;
        private int wireType;
        private long varint;
        private int lenStart;
        private int len;

        ProtoReader(byte[] buf, int start, int end) {
            this.buf = buf;
            this.pos = start;
            this.end = end;
        }

        boolean next() {
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

        int field() {
            return field;
        }

        int wireType() {
            return wireType;
        }

        long varintValue() {
            return varint;
        }

        ProtoReader message() {
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
    }
}
