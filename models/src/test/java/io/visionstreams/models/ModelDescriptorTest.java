package io.visionstreams.models;

import io.visionstreams.schema.ModelDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelDescriptorTest {

    private static final String SHA = "ab".repeat(32);

    @Test
    void roundTrip(@TempDir Path dir) throws IOException {
        ModelDescriptor d = ExportStubDetector.descriptor(SHA);
        Path f = dir.resolve("model.json");
        d.write(f);
        assertEquals(d, ModelDescriptor.read(f));
        String json = Files.readString(f);
        assertTrue(json.contains("\"classLogits\" : \"class_logits\""), json);
        assertTrue(json.contains("\"scale\" : 0.003921569"), json);
    }

    @Test
    void validationListsEveryProblem() {
        ModelDescriptor good = ExportStubDetector.descriptor(SHA);
        ModelDescriptor bad = new ModelDescriptor("", good.version(), "detection", "dir/model.bin", "XYZ",
                new ModelDescriptor.Input("images", "NCWH", 320, 320, "RGB", 0, List.of(0.5), good.input().std(),
                        true, 300),
                new ModelDescriptor.Outputs("boxes", null, "cams", null), "other-decoder", null,
                List.of("a", "a"), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::validate);
        for (String expected : List.of("name is missing", "onnx 'dir/model.bin'", "sha256 must be 64",
                "input.layout", "input.scale", "input.mean must have 3 values", "input.padValue",
                "outputs.scores is missing", "decoder 'other-decoder'", "camStride must be", "class 'a' is listed twice")) {
            assertTrue(e.getMessage().contains(expected), "missing '" + expected + "' in: " + e.getMessage());
        }
    }

    @Test
    void readRejectsUnknownFieldsAndNamesTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.json");
        Files.writeString(f, ExportStubDetector.descriptor(SHA).toJson().replace("\"trained\" : false", "\"trained\" : false, \"trianed\" : true"));
        IOException e = assertThrows(IOException.class, () -> ModelDescriptor.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("trianed"), e.getMessage());

        Files.writeString(f, ExportStubDetector.descriptor(SHA).toJson().replace("\"RGB\"", "\"RGBA\""));
        e = assertThrows(IOException.class, () -> ModelDescriptor.read(f));
        assertTrue(e.getMessage().contains("input.colorOrder"), e.getMessage());
    }

    @Test
    void exportWritesConsistentZooEntry(@TempDir Path dir) throws IOException {
        ModelDescriptor d = ExportStubDetector.export(dir, 42);
        Path json = dir.resolve("model.json");
        ModelDescriptor read = ModelDescriptor.read(json);
        assertEquals(d, read);
        read.verifyOnnx(json); // sha256 matches the file
        assertTrue(Files.readString(dir.resolve("MODEL_CARD.md")).contains(d.sha256()));

        Files.write(dir.resolve("model.onnx"), new byte[] {1});
        assertThrows(IOException.class, () -> read.verifyOnnx(json));
    }

    /** The committed zoo entry must match what the exporter produces from its seed. */
    @Test
    void committedStubIsReproducible(@TempDir Path dir) throws IOException {
        Path zoo = Path.of("zoo/detector/0-stub");
        if (!Files.isDirectory(zoo)) {
            return; // running outside the module directory
        }
        ModelDescriptor committed = ModelDescriptor.read(zoo.resolve("model.json"));
        committed.verifyOnnx(zoo.resolve("model.json"));
        ModelDescriptor fresh = ExportStubDetector.export(dir, ExportStubDetector.ZOO_SEED);
        assertEquals(committed, fresh);
    }
}
