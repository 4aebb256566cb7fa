package io.visionstreams.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The speed command fills symbolic dimensions as asked and runs any zoo contract (no timing is asserted). */
class OrtSpeedTest {

    private static Path zoo(String entry) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("models/zoo"))) {
            p = p.getParent();
        }
        return p.resolve("models/zoo").resolve(entry).resolve("model.onnx");
    }

    @Test
    void batchAndSpatialDimensionsAreFilledPerInput() throws Exception {
        OrtSpeed.Result det = OrtSpeed.measure(Files.readAllBytes(zoo("detector/0-stub")), 2, 64, 1, 0, 1);
        assertArrayEquals(new long[] {2, 3, 320, 320}, det.shapes().get("images")); // fixed H/W stay
        OrtSpeed.Result style = OrtSpeed.measure(Files.readAllBytes(zoo("style-cin/2")), 2, 32, 1, 0, 1);
        assertArrayEquals(new long[] {2, 3, 32, 32}, style.shapes().get("images")); // symbolic H/W = spatial
        assertArrayEquals(new long[] {2, 4}, style.shapes().get("style_weights"));
        assertTrue(style.medianMs() > 0 && style.p90Ms() >= style.medianMs());
    }
}
