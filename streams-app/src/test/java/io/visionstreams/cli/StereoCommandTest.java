package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.models.stereo.DisparityPng;

class StereoCommandTest {

    @TempDir
    Path tmp;

    /** Left = right shifted by 6 px, so the ground truth is 6 everywhere it is visible. */
    void writePair() throws Exception {
        int w = 96, h = 48, d = 6;
        Random r = new Random(9);
        byte[] right = new byte[w * h], left = new byte[w * h];
        float[] wide = new float[(w + d) * h];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = r.nextFloat() * 255;
        }
        float[] gt = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // left(x) = wide(x), right(xr) = wide(xr + d): left(x) = right(x − d)
                left[y * w + x] = (byte) wide[y * (w + d) + x];
                right[y * w + x] = (byte) wide[y * (w + d) + x + d];
                gt[y * w + x] = x >= d ? d : -1;
            }
        }
        Files.write(tmp.resolve("l.png"), ImageCodec.encodePng(new Image(w, h, 1, left)));
        Files.write(tmp.resolve("r.png"), ImageCodec.encodePng(new Image(w, h, 1, right)));
        Files.write(tmp.resolve("gt.png"), DisparityPng.encode(gt, w, h, 256));
    }

    @Test
    void jsonHasExactlyTheDocumentedFieldsWithAndWithoutGroundTruth() throws Exception {
        writePair();
        String out = run("stereo", "--left", tmp.resolve("l.png").toString(), "--right", tmp.resolve("r.png").toString(),
                "--max-disparity", "16", "--out", tmp.resolve("d.png").toString(), "--gt", tmp.resolve("gt.png").toString(),
                "--gt-scale", "256", "--json", "--threads", "2", "--focal-px", "500", "--baseline-m", "0.1",
                "--depth-out", tmp.resolve("z.png").toString());
        JsonNode j = new ObjectMapper().readTree(out);
        assertEquals(List.of("width", "height", "millis", "density", "bad1", "bad2", "bad4", "epe"), fields(j));
        assertEquals(96, j.get("width").asInt());
        assertEquals(48, j.get("height").asInt());
        assertTrue(j.get("density").asDouble() > 0.7, out);
        assertTrue(j.get("bad2").asDouble() < 5, out);
        assertTrue(j.get("epe").asDouble() < 1, out);
        DisparityPng.Decoded d = DisparityPng.decode(Files.readAllBytes(tmp.resolve("d.png")), 256);
        assertEquals(6f, d.disparity()[20 * 96 + 50], 0.5f);
        assertTrue(Files.size(tmp.resolve("z.png")) > 0);

        String base = run("stereo", "--left", tmp.resolve("l.png").toString(), "--right", tmp.resolve("r.png").toString(),
                "--max-disparity", "16", "--baseline", "sgbm", "--json");
        assertEquals(List.of("width", "height", "millis", "density"), fields(new ObjectMapper().readTree(base)));
    }

    @Test
    void tooLargeDisparityRangeIsAClearError() throws Exception {
        writePair();
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(ps);
            code = VisionStreamsCli.commandLine().execute("stereo", "--left", tmp.resolve("l.png").toString(), "--right",
                    tmp.resolve("r.png").toString(), "--max-disparity", "200");
        } finally {
            System.setErr(oldErr);
        }
        assertNotEquals(0, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("larger than the image width"), err.toString());
    }

    static List<String> fields(JsonNode j) {
        List<String> f = new ArrayList<>();
        j.fieldNames().forEachRemaining(f::add);
        return f;
    }

    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            code = VisionStreamsCli.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, buf.toString(StandardCharsets.UTF_8));
        return buf.toString(StandardCharsets.UTF_8).trim();
    }
}
