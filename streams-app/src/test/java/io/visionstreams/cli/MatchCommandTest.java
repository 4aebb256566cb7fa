package io.visionstreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.matching.MatchCliFixtures;

class MatchCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonOutputAndMatchFileHaveTheDocumentedShape(@TempDir Path dir) throws Exception {
        MatchCliFixtures.writePair(dir, 0, 3);
        Path out = dir.resolve("sub/matches.json");
        String stdout = run("match", "--a", dir.resolve("0000_a.png").toString(), "--b", dir.resolve("0000_b.png").toString(),
                "--homography", dir.resolve("0000_H.txt").toString(), "--max-keypoints", "150", "--json",
                "--out", out.toString(), "--runtime", "cpu");
        JsonNode o = JSON.readTree(stdout);
        assertEquals("patch-siam-l2:1", o.get("method").asText());
        int count = o.get("count").asInt();
        assertTrue(count > 10, "count " + count);
        assertTrue(o.get("correct").asInt() <= count);
        assertEquals((double) o.get("correct").asInt() / count, o.get("precision").asDouble(), 1e-9);
        assertTrue(o.get("precision").asDouble() > 0.7, "precision " + o.get("precision"));
        assertTrue(o.get("millis").asDouble() > 0);
        assertTrue(o.get("geometry").isNull());
        assertEquals(count, o.get("matches").size());

        JsonNode file = JSON.readTree(out.toFile());
        assertTrue(file.isArray());
        assertEquals(count, file.size());
        for (JsonNode m : file) {
            assertEquals(3, m.size(), "only a, b, score without --geometry: " + m);
            assertEquals(2, m.get("a").size());
            assertEquals(2, m.get("b").size());
            assertTrue(m.get("a").get(0).isNumber() && m.get("b").get(1).isNumber() && m.get("score").isNumber());
            // original pixel coordinates of the 320×240 images
            assertTrue(m.get("a").get(0).asDouble() >= 0 && m.get("a").get(0).asDouble() < 320);
            assertTrue(m.get("a").get(1).asDouble() >= 0 && m.get("a").get(1).asDouble() < 240);
        }
    }

    @Test
    void baselineWithGeometryReportsInliers(@TempDir Path dir) throws Exception {
        MatchCliFixtures.writePair(dir, 1, 4);
        String stdout = run("match", "--a", dir.resolve("0001_a.png").toString(), "--b", dir.resolve("0001_b.png").toString(),
                "--homography", dir.resolve("0001_H.txt").toString(), "--baseline", "orb", "--geometry", "homography",
                "--json");
        JsonNode o = JSON.readTree(stdout);
        assertEquals("orb", o.get("method").asText());
        assertEquals("HOMOGRAPHY", o.get("geometry").get("kind").asText());
        assertEquals(9, o.get("geometry").get("matrix").size());
        assertTrue(o.get("matches").get(0).has("inlier"));
    }

    @Test
    void benchListsPairsAndPrintsOneRowPerMethod(@TempDir Path dir) throws Exception {
        MatchCliFixtures.writePair(dir, 0, 5);
        MatchCliFixtures.writePair(dir, 1, 6);
        assertEquals(2, MatchBenchCommand.list(dir).size());
        String table = run("match-bench", "--dir", dir.toString(), "--methods", "sift,orb", "--max-keypoints", "200");
        assertTrue(table.contains("| sift |") && table.contains("| orb |"), table);
        assertTrue(table.contains("2 pairs"), table);
    }

    @Test
    void unknownBaselineFails(@TempDir Path dir) throws Exception {
        MatchCliFixtures.writePair(dir, 0, 7);
        int code = VisionStreamsCli.commandLine().execute("match", "--a", dir.resolve("0000_a.png").toString(), "--b",
                dir.resolve("0000_b.png").toString(), "--baseline", "surf");
        assertTrue(code != 0);
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            code = VisionStreamsCli.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, s);
        return s;
    }
}
