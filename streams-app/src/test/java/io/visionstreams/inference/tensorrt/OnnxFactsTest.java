package io.visionstreams.inference.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

class OnnxFactsTest {

    @Test
    void sha256MatchesTheStandardVector() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                OnnxFacts.sha256("abc".getBytes()));
    }

    @Test
    void shippedDetectorIsFp32() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/io/visionstreams/zoo/detector-student/1/model.onnx")) {
            assertEquals("fp32", OnnxFacts.precision(in.readAllBytes()));
        }
    }

    @Test
    void aFloat16InitializerMakesTheModelFp16() {
        assertEquals("fp16", OnnxFacts.precision(model(1, 10, 1)));
        assertEquals("fp32", OnnxFacts.precision(model(1, 1)));
        assertEquals("bf16", OnnxFacts.precision(model(16)));
    }

    @Test
    void garbageIsNotAModel() {
        assertThrows(IllegalArgumentException.class, () -> OnnxFacts.precision(new byte[] {(byte) 0xff, 0x7f, 3}));
        assertThrows(IllegalArgumentException.class, () -> OnnxFacts.precision(new byte[] {0x08, 0x07}));
        // a graph field whose length runs past the end
        assertThrows(IllegalArgumentException.class, () -> OnnxFacts.precision(new byte[] {0x3a, 0x40, 0x00}));
    }

    /** ModelProto{ir_version=8, graph{node..., initializer{dims=4, data_type=t, name="w"}...}} in wire format. */
    static byte[] model(int... dataTypes) {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        graph.writeBytes(new byte[] {0x0a, 0x02, 0x1a, 0x00}); // a node-ish field 1 (skipped)
        for (int t : dataTypes) {
            byte[] tensor = {0x08, 0x04, 0x10, (byte) t, 0x42, 0x01, 'w'};
            graph.write(0x2a); // field 5, LEN
            graph.write(tensor.length);
            graph.writeBytes(tensor);
        }
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0x08, 0x08}); // ir_version
        byte[] g = graph.toByteArray();
        m.write(0x3a); // field 7, LEN
        m.write(g.length);
        m.writeBytes(g);
        return m.toByteArray();
    }
}
