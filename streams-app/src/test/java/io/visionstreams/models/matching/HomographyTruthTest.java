package io.visionstreams.models.matching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;

import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bytedeco.opencv.opencv_core.FileStorage;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomographyTruthTest {

    private static final double[] H = {1.25, -0.5, 10, 0.25, 0.75, -3.5, 1e-4, -2e-4, 1};

    @Test
    void readsNineNumbersRowMajorWithAnySeparators(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("H.txt");
        Files.writeString(f, "1.25 -0.5 10\n0.25,0.75,  -3.5\n\t1e-4 -2E-4 1\n");
        assertArrayEquals(H, HomographyTruth.read(f), 0);
    }

    @Test
    void rejectsWrongCountsAndNonNumbers() {
        IOException few = assertThrows(IOException.class, () -> HomographyTruth.parseText("1 0 0 0 1 0 0 0", "h"));
        assertTrue(few.getMessage().contains("found 8"), few.getMessage());
        assertThrows(IOException.class, () -> HomographyTruth.parseText("1 0 0 0 x 0 0 0 1", "h"));
        assertThrows(IOException.class, () -> HomographyTruth.parseText("", "h"));
        assertThrows(IOException.class, () -> HomographyTruth.parseText("1 0 0 0 1 0 0 0 0", "h"));
    }

    @Test
    void readsOpenCvFileStorage(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("H.xml");
        try (Mat m = new Mat(3, 3, CV_64F); FileStorage fs = new FileStorage(f.toString(), FileStorage.WRITE)) {
            ((DoubleBuffer) m.createBuffer()).put(H);
            fs.write("H", m);
            fs.release();
        }
        assertArrayEquals(H, HomographyTruth.read(f), 1e-12);
    }

    @Test
    void scoresMatchesWithinTheTolerance() {
        double[] p = new double[2];
        HomographyTruth.apply(H, 100, 50, p);
        List<MatchResult.PointMatch> m = List.of(
                new MatchResult.PointMatch(100, 50, (float) p[0] + 3, (float) p[1] + 3.9f, 1, true),   // 4.95 px
                new MatchResult.PointMatch(100, 50, (float) p[0] + 4, (float) p[1] + 3.1f, 1, true),   // 5.06 px
                new MatchResult.PointMatch(100, 50, (float) p[0], (float) p[1], 1, true));
        HomographyTruth.Score s = HomographyTruth.score(m, H, 5);
        assertEquals(3, s.matches());
        assertEquals(2, s.correct());
        assertEquals(2 / 3.0, s.precision(), 1e-12);
        assertEquals(0, HomographyTruth.score(List.of(), H, 5).precision());
    }
}
