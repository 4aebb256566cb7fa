package io.visionstreams.models.matching;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.visionstreams.imaging.ImageCodec;

/** Writes a synthetic benchmark pair (NNNN_a.png, NNNN_b.png, NNNN_H.txt) for the CLI tests. */
public final class MatchCliFixtures {

    private MatchCliFixtures() {
    }

    /** Returns the homography written (A → B). */
    public static double[] writePair(Path dir, int k, long seed) throws IOException {
        double[] h = Scenes.similarity(15 + 10 * k, 1.1, 160, 120);
        h[6] = 1e-4;
        var a = Scenes.shapes(320, 240, seed);
        var b = Scenes.warp(a, h);
        String stem = String.format(Locale.ROOT, "%04d", k);
        Files.createDirectories(dir);
        ImageCodec.write(a, dir.resolve(stem + "_a.png"));
        ImageCodec.write(b, dir.resolve(stem + "_b.png"));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            sb.append(h[i]).append(i % 3 == 2 ? "\n" : " ");
        }
        Files.writeString(dir.resolve(stem + "_H.txt"), sb.toString());
        return h;
    }
}
