package io.visionstreams.models.detection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.protobuf.ByteString;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.visionstreams.schema.ModelDescriptor;

/**
 * A tiny bring-your-own detector written as ONNX bytes in the test (nothing committed): a 64x64 RGB
 * input, GlobalAveragePool → Flatten → Gemm (zero weights, the bias holds fixed predictions) → Reshape
 * to a YOLO v8-style transposed [N, 4+C, A] tensor. So its output is known exactly, yet it runs through
 * ONNX Runtime, the descriptor check and the service's decoder like any exported YOLO model.
 */
final class TinyYoloModel {

    static final int SIZE = 64;
    static final List<String> CLASSES = List.of("cat", "dog");
    static final int ANCHORS = 3;
    static final int ATTRS = 4 + 2;

    /**
     * Predictions per anchor in network pixels: cx, cy, w, h, cat, dog. Anchor 0 is a cat at
     * (8,12)-(24,20), anchor 1 a dog at (38,30)-(58,50), anchor 2 scores below any sane threshold.
     */
    static final float[][] PREDICTIONS = {
        {16, 16, 16, 8, 0.9f, 0.1f},
        {48, 40, 20, 20, 0.05f, 0.8f},
        {30, 30, 10, 10, 0.01f, 0.02f},
    };

    private TinyYoloModel() {
    }

    /** Writes model.onnx and model.json into {@code dir}; returns dir. */
    static Path write(Path dir, List<String> declaredClasses, String layout) throws IOException {
        Files.createDirectories(dir);
        byte[] onnx = onnx();
        Files.write(dir.resolve("model.onnx"), onnx);
        ModelDescriptor d = new ModelDescriptor("tiny-yolo", "1", ModelDescriptor.TASK_DETECTION, "model.onnx",
                ModelDescriptor.sha256Hex(onnx),
                new ModelDescriptor.Input("images", layout, SIZE, SIZE, "RGB", 1 / 255.0, List.of(0.0, 0.0, 0.0),
                        List.of(1.0, 1.0, 1.0), true, 114),
                ModelDescriptor.Outputs.yolo("output0"), ModelDescriptor.DECODER_YOLO_V8, null, declaredClasses, true);
        Files.writeString(dir.resolve(ModelDescriptor.FILE_NAME), d.toJson(), StandardCharsets.UTF_8);
        return dir;
    }

    static byte[] onnx() {
        int k = ATTRS * ANCHORS;
        float[] bias = new float[k]; // row-major [4+C, A]: attribute-major, as the transposed layout
        for (int a = 0; a < ANCHORS; a++) {
            for (int j = 0; j < ATTRS; j++) {
                bias[j * ANCHORS + a] = PREDICTIONS[a][j];
            }
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny_yolo")
                .addInput(value("images", "N", 3, SIZE, SIZE))
                .addOutput(value("output0", "N", ATTRS, ANCHORS))
                .addInitializer(floats("w", new float[3 * k], 3, k))
                .addInitializer(floats("b", bias, k))
                .addInitializer(longs("shape", new long[] {-1, ATTRS, ANCHORS}, 3))
                .addNode(node("GlobalAveragePool", List.of("images"), "pooled"))
                .addNode(node("Flatten", List.of("pooled"), "flat"))
                .addNode(node("Gemm", List.of("flat", "w", "b"), "gemm"))
                .addNode(node("Reshape", List.of("gemm", "shape"), "output0"));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("vision-streams-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build().toByteArray();
    }

    private static NodeProto node(String op, List<String> in, String out) {
        return NodeProto.newBuilder().setOpType(op).setName(out + "_" + op).addAllInput(in).addOutput(out).build();
    }

    private static ValueInfoProto value(String name, String batch, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto.Tensor t = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber())
                .setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    private static TensorProto floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return tensor(name, TensorProto.DataType.FLOAT, b.array(), dims);
    }

    private static TensorProto longs(String name, long[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : v) {
            b.putLong(l);
        }
        return tensor(name, TensorProto.DataType.INT64, b.array(), dims);
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, byte[] raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
