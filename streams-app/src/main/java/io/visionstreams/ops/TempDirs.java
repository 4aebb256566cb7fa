package io.visionstreams.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removal of the per-run state directories the demo and the benchmark create. */
public final class TempDirs {

    private TempDirs() {
    }

    /** Deletes {@code dir} and everything below it; best effort (it is temporary). */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a leftover temporary directory is not worth failing a run for
        }
    }
}
