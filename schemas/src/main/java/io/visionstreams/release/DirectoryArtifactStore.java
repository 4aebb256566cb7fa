package io.visionstreams.release;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * An artifact store in a directory (local disk, NFS, a mounted volume): {@code base/model/version/fileName}.
 * Writes go to a temporary file in the target directory and are then moved into place, so a reader never
 * sees half a file.
 */
public final class DirectoryArtifactStore implements ArtifactStore {

    private final Path base;

    public DirectoryArtifactStore(Path base) {
        this.base = base.toAbsolutePath().normalize();
    }

    public Path base() {
        return base;
    }

    @Override
    public URI put(String model, String version, String fileName, Path source) throws IOException {
        URI uri = ArtifactStore.relativeUri(model, version, fileName);
        Path dir = base.resolve(model).resolve(version);
        Path target = dir.resolve(fileName);
        if (Files.exists(target)) {
            requireSame(target, source);
            return uri;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + fileName + "-", ".tmp");
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            readableByAll(tmp); // temp files start as 600; instances may run as other users
            try {
                // a hard link appears atomically and fails if the name exists: never replaces a concurrent writer's file
                Files.createLink(target, tmp);
            } catch (UnsupportedOperationException | FileSystemException noLinks) {
                if (noLinks instanceof FileAlreadyExistsException) {
                    throw (FileAlreadyExistsException) noLinks;
                }
                Files.move(tmp, target);
            }
        } catch (FileAlreadyExistsException e) {
            requireSame(target, source); // a concurrent publisher wrote it first
        } finally {
            Files.deleteIfExists(tmp);
        }
        return uri;
    }

    private static void readableByAll(Path f) throws IOException {
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException nonPosix) {
            // the file system's default permissions apply
        }
    }

    private static void requireSame(Path existing, Path source) throws IOException {
        if (Files.mismatch(existing, source) != -1) {
            throw new FileAlreadyExistsException(existing.toString(), source.toString(),
                    "artifacts are immutable and this one already holds different bytes; publish a new version");
        }
    }

    @Override
    public InputStream open(URI uri) throws IOException {
        Path file = resolve(uri);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such artifact in store " + base);
        }
        // a link inside the store must not lead out of it
        if (!file.toRealPath().startsWith(base.toRealPath())) {
            throw new IOException("artifact " + uri + " resolves outside the store " + base);
        }
        return Files.newInputStream(file);
    }

    /** The file of a relative {@code model/version/file} URI, or of an absolute file: URI inside the store. */
    Path resolve(URI uri) throws IOException {
        if ("file".equals(uri.getScheme())) {
            Path p;
            try {
                p = Path.of(uri).normalize();
            } catch (IllegalArgumentException e) {
                throw new IOException("artifact URI " + uri + " is not a plain file URI", e);
            }
            if (!p.startsWith(base) || base.relativize(p).getNameCount() != 3 || Arrays.asList(uri.getPath().split("/")).contains("..")) {
                throw new IOException("artifact URI " + uri + " is not inside the store " + base);
            }
            return p;
        }
        String[] seg = ArtifactStore.segments(uri);
        return base.resolve(seg[0]).resolve(seg[1]).resolve(seg[2]);
    }

    @Override
    public String toString() {
        return "DirectoryArtifactStore[" + base + "]";
    }
}
