package io.visionstreams.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

class OnnxComputeTest {

    /**
     * images [N,3,H,W] → Conv 3→8 3×3/2 pad 1 → Relu → depthwise Conv 3×3 pad 1 (group 8) → MaxPool 2/2 → Conv 1×1 8→16
     * → Resize ×2 → ConvTranspose 16→4 2×2/2 → GlobalAveragePool → Flatten → Gemm 4→10 → MatMul 10→6.
     */
    static byte[] tinyGraph(String firstOp) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny")
                .addInput(value("images", "N", "H", "W"))
                .addInitializer(weights("w1", 8, 3, 3, 3))
                .addInitializer(weights("w2", 8, 1, 3, 3))
                .addInitializer(weights("w3", 16, 8, 1, 1))
                .addInitializer(floats("scales", new float[] {1, 1, 2, 2}, 4))
                .addInitializer(weights("wt", 16, 4, 2, 2))
                .addInitializer(weights("wg", 4, 10))
                .addInitializer(weights("wm", 10, 6))
                .addNode(node(firstOp, List.of("images", "w1"), "c1", ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", List.of("c1"), "r1"))
                .addNode(node("Conv", List.of("r1", "w2"), "c2", ints("pads", 1, 1, 1, 1), num("group", 8)))
                .addNode(node("MaxPool", List.of("c2"), "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2)))
                .addNode(node("Conv", List.of("p", "w3"), "c3"))
                .addNode(node("Resize", List.of("c3", "", "scales"), "up"))
                .addNode(node("ConvTranspose", List.of("up", "wt"), "ct", ints("strides", 2, 2)))
                .addNode(node("GlobalAveragePool", List.of("ct"), "gap"))
                .addNode(node("Flatten", List.of("gap"), "flat"))
                .addNode(node("Gemm", List.of("flat", "wg"), "fc"))
                .addNode(node("MatMul", List.of("fc", "wm"), "out"))
                .addOutput(ValueInfoProto.newBuilder().setName("out"));
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build().toByteArray();
    }

    @Test
    void countsEveryComputeNodeByHandAt32And64() {
        // at 32×32: c1 → 8×16×16, 3·3·3 MACs each; c2 → 8×16×16, 1·3·3 each (depthwise); pool → 8×8×8;
        // c3 → 16×8×8, 8 each; resize → 16×16×16; ct: 16·16·16 inputs scatter 4·2·2 each; Gemm 4·10; MatMul 10·6
        long at32 = 8 * 16 * 16 * 27 + 8 * 16 * 16 * 9 + 16 * 8 * 8 * 8 + 16 * 16 * 16 * 16 + 40 + 60;
        OnnxCompute.Result r = OnnxCompute.macsPerImage(tinyGraph("Conv"), 32, 32);
        assertEquals(147_556, at32);
        assertEquals(at32, r.macs());
        assertEquals(2 * at32, r.flops());
        assertEquals(6, r.computeNodes());
        assertTrue(r.complete(), r.unresolved().toString());

        // the spatial nodes scale with the input area, the dense ones do not
        long at64 = 4 * (at32 - 100) + 100;
        assertEquals(at64, OnnxCompute.macsPerImage(tinyGraph("Conv"), 64, 64).macs());
    }

    @Test
    void computeNodesAfterAnOpItCannotInferAreListedNotGuessed() {
        // "Conv" replaced by an op without a shape rule: everything downstream loses its shape
        OnnxCompute.Result r = OnnxCompute.macsPerImage(tinyGraph("SomeCustomOp"), 32, 32);
        assertFalse(r.complete());
        assertEquals(5, r.unresolved().size(), r.unresolved().toString());
        assertEquals(0, r.macs());
    }

    @Test
    void notOnnxIsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> OnnxCompute.macsPerImage(new byte[] {8, 1}, 32, 32));
    }

    /**
     * The zoo student's card states the trainer's own count from its layer definitions. The graph has one product
     * more: the CAM head's 1×1 conv (32 neck channels → 3 classes) also runs on the globally pooled features to give
     * class_logits, 32 × 3 = 96 MACs that the trainer's count leaves out.
     */
    @Test
    void theStudentsGraphAgreesWithItsCard() throws Exception {
        Path dir = Path.of("..", "models", "zoo", "detector-student", "1");
        OptionalLong card = ModelCards.flopsPerImage(Files.readString(dir.resolve(ModelCards.FILE_NAME)));
        OnnxCompute.Result r = OnnxCompute.macsPerImage(Files.readAllBytes(dir.resolve("model.onnx")), 320, 320);
        assertTrue(r.complete(), r.unresolved().toString());
        assertEquals(card.orElseThrow() + 2 * 32 * 3, r.flops());
    }

    private static NodeProto node(String op, List<String> in, String out, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(in).addOutput(out);
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static AttributeProto num(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static ValueInfoProto value(String name, String... symbolic) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(symbolic[0]))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(symbolic[1]))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(symbolic[2]));
        TypeProto.Tensor t = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber())
                .setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    private static TensorProto weights(String name, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return floats(name, new float[(int) n], dims);
    }

    private static TensorProto floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
