package io.visionstreams.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assumptions;

/** Locates /work/shared-style test data ({@code shared/data} beside or above the repo root). */
final class TestData {

    private TestData() {
    }

    /** The shared data folder, or skips the calling test when it is not there. */
    static Path sharedData() {
        // Maven runs tests in streams-app/, the repo root is its parent; worktrees keep shared/ one level higher
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        Assumptions.abort("shared test data folder not found");
        return null;
    }

    static Path sharedFile(String relative) {
        Path p = sharedData().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), () -> "test data file absent: " + p);
        return p;
    }
}
