package io.visionstreams.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelRelease;

/**
 * Turns a release record into verified local files. Order matters: the signature is checked before a
 * single byte is fetched (an unsigned record must not make an instance download anything), then each
 * artifact is streamed from the store into a temporary file while it is hashed and counted, and moved
 * into {@code cacheDir/model/version/} only when size and SHA-256 match the signed values. A store that
 * serves more bytes than declared is cut off at the declared size plus one.
 */
public final class ReleaseFetcher {

    private static final int BUFFER = 64 * 1024;

    private final ArtifactStore store;
    private final TrustedKeys trusted;
    private final Path cacheDir;

    public ReleaseFetcher(ArtifactStore store, TrustedKeys trusted, Path cacheDir) {
        this.store = store;
        this.trusted = trusted;
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
    }

    public FetchedRelease fetch(ModelRelease r) throws ReleaseRejectedException {
        ReleaseSigning.verify(r, trusted);
        String what = ReleaseSigning.describe(r);
        Path dir;
        try {
            dir = cacheDir.resolve(ArtifactStore.checkSegment("model name", r.getModelName()))
                    .resolve(ArtifactStore.checkSegment("version", r.getVersion()));
            Files.createDirectories(dir);
        } catch (IllegalArgumentException e) {
            throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": cannot create cache directory: " + e, e);
        }
        Map<String, Path> byKind = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (ModelArtifact a : r.getArtifacts()) {
            String name;
            try {
                name = fileName(a);
            } catch (IllegalArgumentException e) {
                throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": " + e.getMessage(), e);
            }
            if (!names.add(name)) {
                throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": two artifacts share the file name " + name);
            }
            Path file = dir.resolve(name);
            fetchOne(what, a, file);
            byKind.putIfAbsent(a.getKind(), file);
        }
        return new FetchedRelease(r, dir, byKind);
    }

    /** The local file name of an artifact: the last segment of its URI, checked. */
    static String fileName(ModelArtifact a) {
        String path;
        try {
            path = new URI(a.getUri()).getPath();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("artifact URI '" + a.getUri() + "' is malformed", e);
        }
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("artifact URI '" + a.getUri() + "' has no path");
        }
        return ArtifactStore.checkSegment("artifact file name", path.substring(path.lastIndexOf('/') + 1));
    }

    private void fetchOne(String what, ModelArtifact a, Path file) throws ReleaseRejectedException {
        String expected = a.getSha256() == null ? "" : a.getSha256().toLowerCase(java.util.Locale.ROOT);
        if (!expected.matches("[0-9a-f]{64}") || a.getSizeBytes() < 0) {
            throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": artifact " + a.getUri()
                    + " has an invalid sha256 or size");
        }
        if (Files.isRegularFile(file) && matches(file, a.getSizeBytes(), expected)) {
            return; // already fetched and still intact
        }
        URI uri;
        try {
            uri = new URI(a.getUri());
        } catch (URISyntaxException e) {
            throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": artifact URI '" + a.getUri() + "' is malformed", e);
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(file.getParent(), "." + file.getFileName() + "-", ".part");
            MessageDigest sha = sha256();
            long n = 0;
            try (InputStream in = store.open(uri); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[BUFFER];
                long limit = a.getSizeBytes() + 1; // one byte past the declared size proves it is too long
                int k;
                while (n < limit && (k = in.read(buf, 0, (int) Math.min(buf.length, limit - n))) > 0) {
                    sha.update(buf, 0, k);
                    out.write(buf, 0, k);
                    n += k;
                }
            }
            if (n != a.getSizeBytes()) {
                throw new ReleaseRejectedException(RejectReason.CHECKSUM_MISMATCH, what + ": artifact " + a.getUri() + " ("
                        + a.getKind() + ") is " + (n > a.getSizeBytes() ? "larger than" : n + " bytes, not")
                        + " its signed size " + a.getSizeBytes());
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(expected)) {
                throw new ReleaseRejectedException(RejectReason.CHECKSUM_MISMATCH, what + ": artifact " + a.getUri() + " ("
                        + a.getKind() + ") has SHA-256 " + actual + ", signed " + expected);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ReleaseRejectedException(RejectReason.MISSING_ARTIFACT, what + ": artifact " + a.getUri() + " ("
                    + a.getKind() + ") is not in the store: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": cannot fetch artifact " + a.getUri()
                    + " (" + a.getKind() + "): " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray .part file is harmless; the next fetch writes a new one
                }
            }
        }
    }

    private static boolean matches(Path file, long size, String sha256) {
        try {
            return Files.size(file) == size && sha256Hex(file).equals(sha256);
        } catch (IOException e) {
            return false;
        }
    }

    /** SHA-256 of a file as 64 lower-case hex digits. */
    public static String sha256Hex(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            int k;
            while ((k = in.read(buf)) > 0) {
                sha.update(buf, 0, k);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
