package io.visionstreams.models.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Locates the shared sample images (../shared next to the repository root); tests skip without them. */
final class TestData {

    private TestData() {
    }

    static Path sharedImages() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        assumeTrue(dir != null, "repository root not found");
        Path images = dir.resolve("../shared/data/images").normalize();
        assumeTrue(Files.isDirectory(images), "shared images absent: " + images);
        return images;
    }

    /** A few textured photos, enough for the generators and quick to load. */
    static ImageFolder photos() {
        Path d = sharedImages();
        List<Path> files = List.of("baboon.jpg", "building.jpg", "fruits.jpg", "home.jpg", "butterfly.jpg").stream()
                .map(d::resolve).filter(Files::exists).toList();
        assumeTrue(files.size() >= 3, "sample photos missing");
        return new ImageFolder(files);
    }

    static ImageFolder all() {
        try {
            return ImageFolder.of(sharedImages());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
