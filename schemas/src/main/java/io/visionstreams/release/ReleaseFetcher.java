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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelRelease;

/**
 * Turns a release record into verified local files. Order matters: the signature is checked before a
 * single byte is fetched (an unsigned record must not make an instance download anything), then each
 * artifact is streamed from the store into a temporary file while it is hashed and counted, and moved
 * into {@code cacheDir/model/version/} only when size and SHA-256 match the signed values. A store that
 * serves more bytes than declared is cut off at the declared size plus one.
 *
 * <p>Beside the artifacts of each fetched release the cache keeps the signed record itself
 * ({@value #RECORD_FILE}, its single-object Avro bytes exactly as on the topic). The releases topic is compacted
 * by model name, so a release an instance served may later exist only here; {@link #cached} lists these
 * records and {@link #fetchCached} verifies one from the cache alone, exactly as strictly as a fresh fetch.
 */
public final class ReleaseFetcher {

    private static final int BUFFER = 64 * 1024;

    /** The signed record kept beside a fetched release's artifacts; no artifact may have this name. */
    public static final String RECORD_FILE = "release.avro";

    private final ArtifactStore store;
    private final TrustedKeys trusted;
    private final Path cacheDir;

    public ReleaseFetcher(ArtifactStore store, TrustedKeys trusted, Path cacheDir) {
        this.store = store;
        this.trusted = trusted;
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
    }

    public FetchedRelease fetch(SignedRelease signed) throws ReleaseRejectedException {
        ReleaseSigning.verify(signed, trusted);
        ModelRelease r = signed.release();
        String what = ReleaseSigning.describe(r);
        Path dir = releaseDir(r, what);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": cannot create cache directory: " + e, e);
        }
        Map<String, Path> byKind = new LinkedHashMap<>();
        for (Map.Entry<ModelArtifact, String> e : fileNames(r, what).entrySet()) {
            Path file = dir.resolve(e.getValue());
            fetchOne(what, e.getKey(), file);
            byKind.putIfAbsent(e.getKey().getKind(), file);
        }
        writeRecord(dir, signed, what);
        return new FetchedRelease(r, dir, byKind);
    }

    /**
     * A release whose record came from this cache ({@link #cached}), verified from the cache alone: signature,
     * then every artifact's size and SHA-256 as signed. Nothing is fetched: a file altered on disk is a
     * CHECKSUM_MISMATCH (it is not silently replaced), a missing one MISSING_ARTIFACT.
     */
    public FetchedRelease fetchCached(SignedRelease signed) throws ReleaseRejectedException {
        ReleaseSigning.verify(signed, trusted);
        ModelRelease r = signed.release();
        String what = "cached " + ReleaseSigning.describe(r);
        Path dir = releaseDir(r, what);
        Map<String, Path> byKind = new LinkedHashMap<>();
        for (Map.Entry<ModelArtifact, String> e : fileNames(r, what).entrySet()) {
            ModelArtifact a = e.getKey();
            Path file = dir.resolve(e.getValue());
            if (!Files.isRegularFile(file)) {
                throw new ReleaseRejectedException(RejectReason.MISSING_ARTIFACT, what + ": artifact " + a.getUri()
                        + " (" + a.getKind() + ") is not in the cache " + dir);
            }
            String expected = a.getSha256() == null ? "" : a.getSha256().toLowerCase(java.util.Locale.ROOT);
            if (!matches(file, a.getSizeBytes(), expected)) {
                throw new ReleaseRejectedException(RejectReason.CHECKSUM_MISMATCH, what + ": cached artifact " + file
                        + " (" + a.getKind() + ") is not the signed " + a.getSizeBytes() + " bytes with SHA-256 " + expected
                        + ": altered on disk");
            }
            byKind.putIfAbsent(a.getKind(), file);
        }
        return new FetchedRelease(r, dir, byKind);
    }

    /**
     * The release records kept in the cache for one model, oldest publication first, as decoded: not yet
     * verified (the caller verifies each like a record from the topic). Unreadable record files are skipped, and
     * so are records in a schema this build does not know (kept by a newer build before a downgrade).
     */
    public List<SignedRelease> cached(String modelName) {
        List<SignedRelease> out = new ArrayList<>();
        Path modelDir;
        try {
            modelDir = cacheDir.resolve(ArtifactStore.checkSegment("model name", modelName));
        } catch (IllegalArgumentException e) {
            return out;
        }
        if (!Files.isDirectory(modelDir)) {
            return out;
        }
        try (Stream<Path> versions = Files.list(modelDir)) {
            for (Path v : (Iterable<Path>) versions.sorted()::iterator) {
                Path file = v.resolve(RECORD_FILE);
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    SignedRelease r = SignedRelease.decode(Files.readAllBytes(file));
                    if (modelName.equals(r.release().getModelName())) {
                        out.add(r);
                    }
                } catch (IOException | ReleaseRejectedException | RuntimeException e) {
                    // not a record (truncated, or not Avro): nothing to verify, so nothing to offer
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparing(r -> r.release().getPublishedAt()));
        return out;
    }

    private Path releaseDir(ModelRelease r, String what) throws ReleaseRejectedException {
        try {
            return cacheDir.resolve(ArtifactStore.checkSegment("model name", r.getModelName()))
                    .resolve(ArtifactStore.checkSegment("version", r.getVersion()));
        } catch (IllegalArgumentException e) {
            throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": " + e.getMessage(), e);
        }
    }

    /** Each artifact's local file name, checked: valid, unique, and not the record's own file. */
    private static Map<ModelArtifact, String> fileNames(ModelRelease r, String what) throws ReleaseRejectedException {
        Map<ModelArtifact, String> out = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        names.add(RECORD_FILE);
        for (ModelArtifact a : r.getArtifacts()) {
            String name;
            try {
                name = fileName(a);
            } catch (IllegalArgumentException e) {
                throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": " + e.getMessage(), e);
            }
            if (!names.add(name)) {
                throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": the artifact file name " + name
                        + (name.equals(RECORD_FILE) ? " is reserved for the release record" : " is used twice"));
            }
            out.put(a, name);
        }
        return out;
    }

    /**
     * Keeps the signed record beside its artifacts, as published (temporary file + rename: never half a record).
     * The published bytes, not this build's re-encoding: after an upgrade of the ModelRelease schema the cached
     * record must still be in the schema its signature was made in.
     */
    private static void writeRecord(Path dir, SignedRelease r, String what) throws ReleaseRejectedException {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + RECORD_FILE + "-", ".part");
            Files.write(tmp, r.bytes());
            try {
                Files.move(tmp, dir.resolve(RECORD_FILE), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(RECORD_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ReleaseRejectedException(RejectReason.FETCH_FAILED, what + ": cannot keep the record in the cache: "
                    + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // moved, or a stray .part file the next fetch replaces
                }
            }
        }
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
