package io.visionstreams.inference.tensorrt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serialized plans on disk, one directory per {@link PlanKey} holding {@code plan.engine} and
 * {@code manifest.json}. Entries appear atomically: a build writes into a staging directory under the root
 * and the finished directory is renamed into place, so a reader never sees half a plan. Loading validates the
 * manifest against the key and the plan bytes against the manifest's SHA-256; anything that does not match is
 * evicted and reported, never handed to TensorRT (a foreign or corrupt plan at best fails to deserialize with a
 * logged error and at worst is undefined behaviour).
 */
public final class PlanCache {

    private static final Logger LOG = LoggerFactory.getLogger(PlanCache.class);

    private final Path root;

    public PlanCache(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** A validated plan: its manifest and bytes. */
    public record CachedPlan(PlanManifest manifest, byte[] plan, Path directory) {
    }

    /** The plan, or why there is none usable (missing, or rejected and evicted). */
    public record Lookup(CachedPlan plan, String rejection) {
        public boolean hit() {
            return plan != null;
        }
    }

    public Path entryDir(PlanKey key) {
        return root.resolve(key.id());
    }

    public Path timingCacheFile(PlanKey key) {
        return root.resolve("timing").resolve(key.timingCacheName());
    }

    /** Looks the key up; a mismatching or corrupt entry is deleted so the caller rebuilds it. */
    public Lookup load(PlanKey key) {
        Path dir = entryDir(key);
        if (!Files.isDirectory(dir)) {
            return new Lookup(null, "no cached plan for " + key.id());
        }
        String problem = null;
        CachedPlan plan = null;
        try {
            plan = validate(dir, key);
        } catch (InvalidEntryException e) {
            problem = e.getMessage();
        }
        if (plan != null) {
            return new Lookup(plan, null);
        }
        LOG.warn("TensorRT plan cache: evicting {}: {}", dir, problem);
        deleteQuietly(dir);
        return new Lookup(null, problem);
    }

    /** A fresh staging directory under the root, on the same file system so the final rename is atomic. */
    public Path newStagingDir() throws IOException {
        Files.createDirectories(root);
        return Files.createDirectory(root.resolve(".staging-" + UUID.randomUUID()));
    }

    /**
     * Validates a finished build in {@code staging} against the key and moves it into place atomically. If
     * another process committed the same key first, its entry wins when it validates (same inputs, same plan
     * contract).
     */
    public CachedPlan commit(PlanKey key, Path staging) throws IOException {
        CachedPlan built;
        try {
            built = validate(staging, key);
        } catch (InvalidEntryException e) {
            deleteQuietly(staging);
            throw new IOException("built plan does not match its key: " + e.getMessage());
        }
        Path dir = entryDir(key);
        if (Files.exists(dir)) {
            // a stale entry (load() already evicts bad ones; this covers a racing writer or a manual copy)
            Path trash = root.resolve(".trash-" + UUID.randomUUID());
            try {
                Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
                deleteQuietly(trash);
            } catch (IOException e) {
                LOG.debug("could not move aside {}: {}", dir, e.toString());
            }
        }
        try {
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
            deleteQuietly(staging);
            Lookup winner = load(key);
            if (winner.hit()) {
                return winner.plan();
            }
            throw new IOException("plan cache entry " + dir + " appeared concurrently and is invalid: "
                    + winner.rejection());
        } catch (AtomicMoveNotSupportedException e) {
            deleteQuietly(staging);
            throw new IOException("plan cache " + root + " does not support atomic renames", e);
        }
        return new CachedPlan(built.manifest(), built.plan(), dir);
    }

    private static CachedPlan validate(Path dir, PlanKey key) throws InvalidEntryException {
        Path manifestFile = dir.resolve(PlanManifest.FILE_NAME);
        PlanManifest manifest;
        try {
            manifest = PlanManifest.read(manifestFile);
        } catch (IOException | RuntimeException e) {
            throw new InvalidEntryException("unreadable manifest " + manifestFile + ": " + e.getMessage());
        }
        List<String> mismatches = manifest.mismatches(key);
        if (!mismatches.isEmpty()) {
            throw new InvalidEntryException("manifest is for a different plan: " + String.join("; ", mismatches));
        }
        if (!PlanManifest.PLAN_FILE_NAME.equals(manifest.planFile())) {
            throw new InvalidEntryException("manifest names plan file '" + manifest.planFile() + "'");
        }
        byte[] plan;
        try {
            plan = Files.readAllBytes(dir.resolve(PlanManifest.PLAN_FILE_NAME));
        } catch (IOException e) {
            throw new InvalidEntryException("plan file unreadable: " + e);
        }
        if (plan.length != manifest.planBytes()) {
            throw new InvalidEntryException("plan is " + plan.length + " bytes, manifest says " + manifest.planBytes());
        }
        String sha = OnnxFacts.sha256(plan);
        if (!sha.equals(manifest.planSha256())) {
            throw new InvalidEntryException("plan SHA-256 " + sha + " does not match the manifest's "
                    + manifest.planSha256());
        }
        return new CachedPlan(manifest, plan, dir);
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    private static final class InvalidEntryException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidEntryException(String message) {
            super(message);
        }
    }
}
