package io.visionstreams.models.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OnnxGraphBuilderTest {

    private static final TensorProto.DataType F = TensorProto.DataType.FLOAT;

    @Test
    void modelHeaderFollowsPlatformNotes() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("t");
        String x = b.addInput("x", F, OnnxGraphBuilder.BATCH, 2);
        b.rename(b.relu(x), "y");
        b.addOutput("y", F, OnnxGraphBuilder.BATCH, 2);
        ModelProto m = b.build();
        assertEquals(8, m.getIrVersion());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals("vision-streams", m.getProducerName());
        assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    }

    @Test
    void initialisersAreLittleEndianRawData() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("t");
        b.addInitializer("w", new float[] {1f, 2f}, 2);
        b.addInt64Initializer("s", new long[] {1}, 1);
        b.rename(b.relu("w"), "y");
        b.addOutput("y", F, 2);
        TensorProto w = b.build().getGraph().getInitializer(0);
        assertEquals(List.of(2L), w.getDimsList());
        assertEquals(TensorProto.DataType.FLOAT_VALUE, w.getDataType());
        byte[] raw = w.getRawData().toByteArray();
        // 1.0f = 0x3F800000, little-endian: 00 00 80 3F
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40}, raw);
    }

    @Test
    void rejectsMistakes() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("t");
        assertThrows(IllegalArgumentException.class, () -> b.addInitializer("w", new float[3], 2, 2));
        b.addInput("x", F, 1);
        assertThrows(IllegalArgumentException.class, () -> b.addInput("x", F, 1));
        assertThrows(IllegalArgumentException.class, () -> b.relu("nope"));
        assertThrows(IllegalArgumentException.class, () -> b.addOutput("nope", F, 1));
        assertThrows(IllegalStateException.class, b::build); // no outputs
    }

    /** Every convenience op in one graph, run in ONNX Runtime and checked against hand-computed values. */
    @Test
    void allOpsRunInOnnxRuntime(@TempDir Path dir) throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("ops");
        String x = b.addInput("x", F, OnnxGraphBuilder.BATCH, 1, 2, 2);
        // Conv 1x1 with weight 2 and bias 1, through a BN with scale 1 / var 1 (identity up to eps).
        String c = b.conv(x, b.addInitializer("w", new float[] {2f}, 1, 1, 1, 1), b.addInitializer("b", new float[] {1f}, 1),
                1, 1, 0, 1);
        String one = b.addInitializer("one", new float[] {1f}, 1);
        String zero = b.addInitializer("zero", new float[] {0f}, 1);
        c = b.batchNorm(c, one, zero, zero, one, 0f);
        b.rename(b.relu(c), "conv_relu");                                        // 2x+1, relu
        b.rename(b.sigmoid(x), "sig");
        b.rename(b.exp(x), "ex");
        b.rename(b.add(x, x), "sum");
        b.rename(b.mul(x, x), "prod");
        b.rename(b.concat(1, x, x), "cat");                                     // [N,2,2,2]
        b.rename(b.reshape(x, 0, -1), "flat");                                  // [N,4]
        b.rename(b.transpose(x, 0, 1, 3, 2), "tr");                             // swap H and W
        b.rename(b.flatten(b.globalAveragePool(x), 1), "gap");                  // [N,1]
        b.rename(b.resizeNearest(x, 1f, 1f, 2f, 2f), "up");                     // [N,1,4,4]
        b.rename(b.maxPool(x, 2, 2, 0), "mp");                                  // [N,1,1,1]
        long n = OnnxGraphBuilder.BATCH;
        b.addOutput("conv_relu", F, n, 1, 2, 2);
        b.addOutput("sig", F, n, 1, 2, 2);
        b.addOutput("ex", F, n, 1, 2, 2);
        b.addOutput("sum", F, n, 1, 2, 2);
        b.addOutput("prod", F, n, 1, 2, 2);
        b.addOutput("cat", F, n, 2, 2, 2);
        b.addOutput("flat", F, n, 4);
        b.addOutput("tr", F, n, 1, 2, 2);
        b.addOutput("gap", F, n, 1);
        b.addOutput("up", F, n, 1, 4, 4);
        b.addOutput("mp", F, n, 1, 1, 1);
        Path file = b.writeTo(dir.resolve("ops.onnx"));
        assertEquals(ModelProto.parseFrom(Files.readAllBytes(file)), b.build());

        float[] in = {-1f, 0f, 1f, 2f}; // [[-1,0],[1,2]]
        Map<String, float[]> out = run(Files.readAllBytes(file), in, new long[] {1, 1, 2, 2});
        assertArrayEquals(new float[] {0f, 1f, 3f, 5f}, out.get("conv_relu"), 1e-6f);
        assertEquals(0.5f, out.get("sig")[1], 1e-6f);
        assertEquals((float) Math.E, out.get("ex")[2], 1e-5f);
        assertArrayEquals(new float[] {-2f, 0f, 2f, 4f}, out.get("sum"), 0f);
        assertArrayEquals(new float[] {1f, 0f, 1f, 4f}, out.get("prod"), 0f);
        assertArrayEquals(new float[] {-1f, 0f, 1f, 2f, -1f, 0f, 1f, 2f}, out.get("cat"), 0f);
        assertArrayEquals(in, out.get("flat"), 0f);
        assertArrayEquals(new float[] {-1f, 1f, 0f, 2f}, out.get("tr"), 0f);
        assertArrayEquals(new float[] {0.5f}, out.get("gap"), 1e-6f);
        assertArrayEquals(new float[] {-1, -1, 0, 0, -1, -1, 0, 0, 1, 1, 2, 2, 1, 1, 2, 2}, out.get("up"), 0f);
        assertArrayEquals(new float[] {2f}, out.get("mp"), 0f);
    }

    static Map<String, float[]> run(byte[] model, float[] input, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
            Map<String, float[]> out = new java.util.HashMap<>();
            r.forEach(e -> {
                FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] a = new float[fb.remaining()];
                fb.get(a);
                out.put(e.getKey(), a);
            });
            return out;
        }
    }

    @Test
    void renameRewiresConsumers() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("t");
        String x = b.addInput("x", F, 1);
        String r = b.relu(x);
        String s = b.sigmoid(r);
        assertEquals("named", b.rename(r, "named"));
        b.addOutput(s, F, 1);
        ModelProto m = b.build();
        assertEquals("named", m.getGraph().getNode(0).getOutput(0));
        assertEquals("named", m.getGraph().getNode(1).getInput(0));
        assertThrows(IllegalArgumentException.class, () -> b.rename("x", "y")); // inputs keep their names
    }

    @Test
    void attributeKinds() {
        assertEquals(AttributeProto.AttributeType.INT, OnnxGraphBuilder.attr("a", 3L).getType());
        assertEquals(List.of(1L, 2L), OnnxGraphBuilder.attr("a", 1L, 2L).getIntsList());
        assertEquals(0.5f, OnnxGraphBuilder.attr("a", 0.5f).getF());
        assertEquals(List.of(1f, 2f), OnnxGraphBuilder.attr("a", 1f, 2f).getFloatsList());
        assertEquals("nearest", OnnxGraphBuilder.attr("a", "nearest").getS().toStringUtf8());
    }
}
