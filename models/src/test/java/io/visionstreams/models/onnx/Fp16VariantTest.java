package io.visionstreams.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * The FP16 pass: FP32 inputs/outputs with Casts at the edges, FLOAT16 weights equal to the rounded FP32
 * weights, reductions in FP32, integer inputs untouched, checker passes, and ONNX Runtime gives the FP32
 * answers to FP16 precision (ORT 1.29 CPU runs every op the zoo uses, inserting its own FP32 fallbacks
 * where it lacks an FP16 kernel).
 */
class Fp16VariantTest {

    @TempDir
    Path tmp;

    static float[] random(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    /**
     * x → Conv → BatchNorm (tiny variances) → Relu → Resize ×2 → l2 normalise over channels = "features";
     * Gather(table, int32 index) = "row". Covers folding, FP32 islands, Resize's float scales, int inputs.
     */
    static byte[] tinyModel() {
        Random r = new Random(5);
        OnnxGraphBuilder g = new OnnxGraphBuilder("tiny");
        String x = g.addInput("x", DataType.FLOAT, OnnxGraphBuilder.BATCH, 2, 8, 8);
        String idx = g.addInput("index", DataType.INT32, OnnxGraphBuilder.BATCH);
        String w = g.addInitializer("conv.weight", random(r, 4 * 2 * 9, 0.5), 4, 2, 3, 3);
        String b = g.addInitializer("conv.bias", random(r, 4, 0.1), 4);
        String h = g.conv(x, w, b, 3, 1, 1, 1);
        float[] var = {1e-6f, 1e-3f, 0.5f, 4f};
        h = g.batchNorm(h, g.addInitializer("bn.weight", random(r, 4, 1), 4),
                g.addInitializer("bn.bias", random(r, 4, 0.1), 4),
                g.addInitializer("bn.mean", random(r, 4, 0.2), 4), g.addInitializer("bn.var", var, 4), 1e-5f);
        h = g.resizeNearest(g.relu(h), 1, 1, 2, 2);
        String ss = g.node("ReduceSumSquare", List.of(h), OnnxGraphBuilder.attr("axes", new long[] {1L}),
                OnnxGraphBuilder.attr("keepdims", 1L));
        String n = g.node("Sqrt", List.of(g.add(ss, g.addInitializer("eps", new float[] {1e-6f}))));
        g.addOutput(g.rename(g.node("Div", List.of(h, n)), "features"), DataType.FLOAT, OnnxGraphBuilder.BATCH, 4,
                16, 16);
        String table = g.addInitializer("table", random(r, 3 * 4, 1), 3, 4);
        g.addOutput(g.rename(g.node("Gather", List.of(table, idx), OnnxGraphBuilder.attr("axis", 0L)), "row"),
                DataType.FLOAT, OnnxGraphBuilder.BATCH, 4);
        return g.toByteArray();
    }

    @Test
    void tinyModelHasFp32EdgesFp16InsideAndFp32Reductions() throws Exception {
        byte[] fp32 = tinyModel();
        ModelProto before = ModelProto.parseFrom(fp32);
        Fp16Variant.Result r = Fp16Variant.convert(fp32);
        GraphProto g = r.model().getGraph();

        // the interface is unchanged: same names, FP32 floats, int32 index
        assertEquals(before.getGraph().getInputList(), g.getInputList());
        assertEquals(before.getGraph().getOutputList(), g.getOutputList());
        Map<String, NodeProto> producer = new HashMap<>();
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            n.getOutputList().forEach(o -> producer.put(o, n));
            n.getInputList().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
        }
        for (ValueInfoProto out : g.getOutputList()) {
            NodeProto p = producer.get(out.getName());
            // features come out of the FP32 normalisation directly, row through a Cast back to FP32
            assertTrue(p.getOpType().equals("Cast") ? p.getAttribute(0).getI() == DataType.FLOAT_VALUE
                    : p.getOpType().equals("Div"), out.getName() + " produced by " + p);
        }
        assertEquals("Cast", consumers.get("x").get(0).getOpType());
        assertEquals(DataType.FLOAT16_VALUE, consumers.get("x").get(0).getAttribute(0).getI());
        assertTrue(consumers.get("index").stream().allMatch(n -> n.getOpType().equals("Gather")),
                "the int32 index goes straight into Gather");

        Map<String, TensorProto> inits = new HashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        NodeProto resize = g.getNodeList().stream().filter(n -> n.getOpType().equals("Resize")).findFirst().orElseThrow();
        assertEquals(DataType.FLOAT_VALUE, inits.get(resize.getInput(2)).getDataType(), "Resize scales stay float");
        NodeProto conv = g.getNodeList().stream().filter(n -> n.getOpType().equals("Conv")).findFirst().orElseThrow();
        TensorProto w16 = inits.get(conv.getInput(1));
        assertEquals(DataType.FLOAT16_VALUE, w16.getDataType());
        float[] w32 = Fp16Variant.floats(before.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("conv.weight")).findFirst().orElseThrow());
        float[] back = Fp16Variant.halfFloats(w16);
        for (int i = 0; i < w32.length; i++) {
            assertEquals(Float16.round(w32[i]), back[i], 0f, "weight " + i);
            assertTrue(Math.abs(back[i] - w32[i]) <= Math.abs(w32[i]) * 0x1p-11f + 0x1p-25f);
        }
        // the sum of squares runs on FP32 input; BN is folded (ε 0, variance 1)
        NodeProto rss = g.getNodeList().stream().filter(n -> n.getOpType().equals("ReduceSumSquare")).findFirst()
                .orElseThrow();
        NodeProto feed = producer.get(rss.getInput(0));
        assertEquals("Cast", feed.getOpType());
        assertEquals(DataType.FLOAT_VALUE, feed.getAttribute(0).getI());
        NodeProto bn = g.getNodeList().stream().filter(n -> n.getOpType().equals("BatchNormalization")).findFirst()
                .orElseThrow();
        assertEquals(0f, bn.getAttributeList().stream().filter(a -> a.getName().equals("epsilon")).findFirst()
                .orElseThrow().getF());
        for (float v : Fp16Variant.halfFloats(inits.get(bn.getInput(4)))) {
            assertEquals(1f, v);
        }
        assertEquals(1, r.batchNormsFolded());
        assertTrue(r.fp32Nodes().containsKey("ReduceSumSquare") && r.fp32Nodes().containsKey("Div"), r.summary());

        // the checker accepts it and ORT agrees with the FP32 model to FP16 precision
        Path f = OnnxChecker.writeChecked(tmp.resolve("tiny.fp16.onnx"), r.model().toByteArray());
        assertTrue(Files.size(f) > 0);
        OrtComparison.Result c = OrtComparison.compare(fp32, r.model().toByteArray(), 16, 3);
        assertTrue(c.maxRelDiff() < 5e-3, c.describe());
        assertTrue(c.perOutput().get("row")[1] <= 0x1p-11, "a gathered row is the rounded table: " + c.describe());
    }

    @Test
    void everyZooModelConvertsPassesTheCheckerAndMatchesInOrt() throws Exception {
        List<Path> zoo = OnnxCheckerTest.zooModels();
        List<Path> written = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Path m : zoo) {
            byte[] fp32 = Files.readAllBytes(m);
            byte[] fp16 = Fp16Variant.convert(fp32).model().toByteArray();
            assertTrue(fp16.length < 0.6 * fp32.length, m + ": weights should halve, " + fp16.length + " vs " + fp32.length);
            Path out = tmp.resolve(m.getParent().toString().replace('/', '_') + ".fp16.onnx");
            written.add(Files.write(out, fp16));
            OrtComparison.Result c = OrtComparison.compare(fp32, fp16, 64, 1);
            report.append(m).append(": ").append(c.describe()).append('\n');
            assertTrue(c.maxRelDiff() < 1e-2, m + ": " + c.describe());
            assertFalse(Double.isNaN(c.maxRelDiff()));
        }
        for (OnnxChecker.Verdict v : OnnxChecker.locate().check(written)) {
            assertTrue(v.ok(), v.file() + ": " + v.message());
        }
        System.out.print(report);
    }
}
