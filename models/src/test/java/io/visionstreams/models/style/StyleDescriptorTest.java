package io.visionstreams.models.style;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.ExportStubDetector;
import io.visionstreams.schema.ModelDescriptor;

/** model.json for task "stylization": round trip, every contract problem reported, detection unaffected. */
class StyleDescriptorTest {

    static final String SHA = "cd".repeat(32);

    static ModelDescriptor good() {
        StyleTrainer.Config cfg = StyleTrainer.Config.defaults(Path.of("c"), List.of(Path.of("a.jpg")));
        return StyleZoo.descriptor("style-cin", "1", SHA, cfg, List.of("starry_night", "baboon"), "randconv-v1 seed 1",
                true);
    }

    @Test
    void roundTrip(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.json");
        good().write(f);
        ModelDescriptor back = ModelDescriptor.read(f);
        assertEquals(good(), back);
        assertEquals(List.of("starry_night", "baboon"), back.stylization().styles());
        assertEquals("style_weights", back.stylization().weightsInput());
        assertEquals(4, back.stylization().sizeMultiple());
    }

    @Test
    void validationListsStylisationProblems() {
        ModelDescriptor g = good();
        ModelDescriptor.Input in = g.input();
        ModelDescriptor bad = new ModelDescriptor(g.name(), g.version(), "stylization", g.onnx(), g.sha256(),
                new ModelDescriptor.Input(in.name(), in.layout(), 130, 128, in.colorOrder(), in.scale(), in.mean(),
                        in.std(), true, 0),
                null, null, null, List.of("x"),
                new ModelDescriptor.Stylization(List.of("a", "a"), "", "stylized", List.of(1.0, -1.0), 3, 0, null), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::validate);
        for (String expected : List.of("style 'a' is listed twice", "stylization.weightsInput is missing",
                "stylization.outputRange", "stylization.sizeMultiple must be 4", "stylization.width",
                "stylization.lossNetwork is missing", "input.letterbox must be false", "classes must be absent")) {
            assertTrue(e.getMessage().contains(expected), "missing '" + expected + "' in: " + e.getMessage());
        }
        ModelDescriptor noSection = new ModelDescriptor(g.name(), g.version(), "stylization", g.onnx(), g.sha256(),
                g.input(), null, null, null, null, null, true);
        assertTrue(noSection.problems().toString().contains("stylization is missing"), noSection.problems().toString());
        ModelDescriptor odd = new ModelDescriptor(g.name(), g.version(), "stylization", g.onnx(), g.sha256(),
                new ModelDescriptor.Input(in.name(), in.layout(), 130, 128, in.colorOrder(), in.scale(), in.mean(),
                        in.std(), false, 0), null, null, null, null, g.stylization(), true);
        assertTrue(odd.problems().toString().contains("not a multiple of stylization.sizeMultiple"), odd.problems().toString());
    }

    @Test
    void detectionContractIsUnchanged() throws IOException {
        ModelDescriptor det = ExportStubDetector.descriptor(SHA);
        assertTrue(det.problems().isEmpty(), det.problems().toString());
        // no "stylization" key in a detection model.json, and the section is rejected there
        assertTrue(!det.toJson().contains("stylization"));
        ModelDescriptor withStyle = new ModelDescriptor(det.name(), det.version(), det.task(), det.onnx(), det.sha256(),
                det.input(), det.outputs(), det.decoder(), det.camStride(), det.classes(), good().stylization(),
                det.trained());
        assertTrue(withStyle.problems().toString().contains("stylization is only allowed"), withStyle.problems().toString());
        assertEquals(det, ModelDescriptor.parse(det.toJson()));
    }
}
