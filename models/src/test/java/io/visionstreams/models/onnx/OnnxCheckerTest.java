package io.visionstreams.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/** onnx's full checker, in its own JVM: every zoo model passes, broken models fail with the checker's message. */
class OnnxCheckerTest {

    @TempDir
    Path tmp;

    static List<Path> zooModels() throws Exception {
        try (Stream<Path> s = Files.walk(Path.of("zoo"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().toList();
        }
    }

    /** A one-node graph: y = op(x). */
    static byte[] oneNode(String op) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("one-" + op);
        String x = g.addInput("x", DataType.FLOAT, OnnxGraphBuilder.BATCH, 4);
        g.addOutput(g.rename(g.node(op, List.of(x)), "y"), DataType.FLOAT, OnnxGraphBuilder.BATCH, 4);
        return g.toByteArray();
    }

    @Test
    void everyZooModelPasses() throws Exception {
        List<Path> zoo = zooModels();
        assertTrue(zoo.size() >= 7, "zoo models found: " + zoo);
        List<OnnxChecker.Verdict> verdicts = OnnxChecker.locate().check(zoo);
        assertEquals(zoo.size(), verdicts.size());
        for (OnnxChecker.Verdict v : verdicts) {
            assertTrue(v.ok(), v.file() + ": " + v.message());
        }
    }

    @Test
    void brokenModelsFailWithTheCheckersMessage() throws Exception {
        Path good = Files.write(tmp.resolve("good.onnx"), oneNode("Relu"));
        Path typo = Files.write(tmp.resolve("typo.onnx"), oneNode("Rleu"));
        byte[] bytes = Files.readAllBytes(zooModels().get(0));
        Path truncated = Files.write(tmp.resolve("truncated.onnx"), Arrays.copyOf(bytes, bytes.length / 3));
        // strict type inference (full_check): Add of float and int64
        OnnxGraphBuilder g = new OnnxGraphBuilder("mixed");
        String x = g.addInput("x", DataType.FLOAT, OnnxGraphBuilder.BATCH, 4);
        String k = g.addInt64Initializer("k", new long[] {1, 2, 3, 4}, 4);
        g.addOutput(g.rename(g.add(x, k), "y"), DataType.FLOAT, OnnxGraphBuilder.BATCH, 4);
        Path mixed = Files.write(tmp.resolve("mixed.onnx"), g.toByteArray());

        List<OnnxChecker.Verdict> v = OnnxChecker.locate().check(List.of(good, typo, truncated, mixed));
        assertTrue(v.get(0).ok(), v.get(0).message());
        assertFalse(v.get(1).ok());
        assertTrue(v.get(1).message().contains("No Op registered for Rleu"), v.get(1).message());
        assertFalse(v.get(2).ok());
        assertTrue(v.get(2).message().contains("Unable to parse proto"), v.get(2).message());
        assertFalse(v.get(3).ok());
        assertTrue(v.get(3).message().contains("Add"), v.get(3).message());
        assertEquals(List.of(good, typo, truncated, mixed), v.stream().map(OnnxChecker.Verdict::file).toList());
    }

    @Test
    void writeCheckedRejectsWithTheFileAndMessage() throws Exception {
        Path out = tmp.resolve("entry/model.onnx");
        OnnxChecker.CheckFailedException e = assertThrows(OnnxChecker.CheckFailedException.class,
                () -> OnnxChecker.writeChecked(out, oneNode("Rleu")));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("Rleu"), e.getMessage());
        assertTrue(Files.exists(out), "the rejected file stays for inspection");
        assertEquals(out, OnnxChecker.writeChecked(out, oneNode("Relu")));
    }

    @Test
    void missingJarsGiveAnActionableError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OnnxChecker.at(tmp.resolve("none")));
        assertTrue(e.getMessage().contains("copy-onnx-checker"), e.getMessage());
    }
}
