package io.visionstreams.models.stereo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.schema.ModelDescriptor;

/** model.json for the stereo-features task: round trip, and the task's own rules. */
class StereoZooTest {

    static final String SHA = "cd".repeat(32);

    @Test
    void roundTripsAndNamesTheFeaturesOutput(@TempDir Path dir) throws Exception {
        ModelDescriptor d = StereoZoo.descriptor("1", SHA, 640, 480, true);
        Path f = dir.resolve("model.json");
        d.write(f);
        ModelDescriptor read = ModelDescriptor.read(f);
        assertEquals(d, read);
        assertEquals("features", read.outputs().features());
        assertEquals("GRAY", read.input().colorOrder());
    }

    @Test
    void stereoRulesAreEnforcedAndDetectionStillNeedsRgb() {
        ModelDescriptor good = StereoZoo.descriptor("1", SHA, 640, 480, true);
        ModelDescriptor bad = new ModelDescriptor(good.name(), good.version(), good.task(), good.onnx(), good.sha256(),
                new ModelDescriptor.Input("image", "NCHW", 640, 480, "RGB", 1 / 255.0, List.of(0.0), List.of(1.0), false, 0),
                new ModelDescriptor.Outputs("boxes", null, null, null), "vision-streams-v1", null, List.of("x"), true);
        String msg = assertThrows(IllegalArgumentException.class, bad::validate).getMessage();
        for (String expected : List.of("classes must be absent", "outputs.features is missing", "colorOrder must be GRAY",
                "decoder must be absent", "input.mean must have 3 values")) {
            assertTrue(msg.contains(expected), "missing '" + expected + "' in " + msg);
        }
        ModelDescriptor grayDetector = new ModelDescriptor("d", "1", ModelDescriptor.TASK_DETECTION, "model.onnx", SHA,
                good.input(), new ModelDescriptor.Outputs("boxes", "scores", null, null), ModelDescriptor.DECODER_V1, null,
                List.of("a"), false);
        assertTrue(assertThrows(IllegalArgumentException.class, grayDetector::validate).getMessage()
                .contains("GRAY is not supported for detection"));
    }
}
