package io.visionstreams.inference.tensorrt;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.visionstreams.models.ProtoReader;

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
}
