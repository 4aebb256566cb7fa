package io.visionstreams.inference.tensorrt;

import static io.visionstreams.inference.tensorrt.PlanKeyAndManifestTest.KEY;
import static io.visionstreams.inference.tensorrt.PlanKeyAndManifestTest.manifestFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCacheTest {

    @TempDir
    Path root;

    private static final byte[] PLAN = "pretend serialized engine".getBytes();

    /** What the child builder leaves in its staging directory. */
    private Path stage(PlanCache cache, PlanManifest manifest, byte[] plan) throws IOException {
        Path staging = cache.newStagingDir();
        Files.write(staging.resolve(PlanManifest.PLAN_FILE_NAME), plan);
        Files.writeString(staging.resolve(PlanManifest.FILE_NAME), manifest.toJson());
        return staging;
    }

    @Test
    void committedPlanIsFoundAndStagingIsGone() throws IOException {
        PlanCache cache = new PlanCache(root);
        assertFalse(cache.load(KEY).hit());
        Path staging = stage(cache, manifestFor(KEY, PLAN), PLAN);
        cache.commit(KEY, staging);
        assertFalse(Files.exists(staging));
        PlanCache.Lookup hit = new PlanCache(root).load(KEY);
        assertTrue(hit.hit(), hit.rejection());
        assertArrayEquals(PLAN, hit.plan().plan());
        try (Stream<Path> s = Files.list(root)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".staging")));
        }
    }

    private PlanCache.Lookup loadWithEntry(PlanManifest manifest, byte[] plan) throws IOException {
        PlanCache cache = new PlanCache(root);
        Path dir = cache.entryDir(KEY);
        Files.createDirectories(dir);
        Files.write(dir.resolve(PlanManifest.PLAN_FILE_NAME), plan);
        Files.writeString(dir.resolve(PlanManifest.FILE_NAME), manifest.toJson());
        PlanCache.Lookup l = cache.load(KEY);
        assertFalse(l.hit());
        assertFalse(Files.exists(dir), "a rejected entry is evicted so it gets rebuilt");
        return l;
    }

    @Test
    void rejectsAManifestForAnotherGpu() throws IOException {
        PlanKey h200 = new PlanKey("NVIDIA H200", 9, 0, KEY.trtVersion(), KEY.onnxSha256(), 1, 8, 32);
        String why = loadWithEntry(manifestFor(h200, PLAN), PLAN).rejection();
        assertTrue(why.contains("GPU 'NVIDIA H200'"), why);
    }

    @Test
    void rejectsAManifestForAnotherTensorRtVersion() throws IOException {
        PlanKey trt10 = new PlanKey(KEY.gpuName(), 9, 0, 101501, KEY.onnxSha256(), 1, 8, 32);
        String why = loadWithEntry(manifestFor(trt10, PLAN), PLAN).rejection();
        assertTrue(why.contains("TensorRT version 101501"), why);
    }

    @Test
    void rejectsAManifestForAnotherOnnx() throws IOException {
        PlanKey otherOnnx = new PlanKey(KEY.gpuName(), 9, 0, KEY.trtVersion(), "cd".repeat(32), 1, 8, 32);
        String why = loadWithEntry(manifestFor(otherOnnx, PLAN), PLAN).rejection();
        assertTrue(why.contains("ONNX SHA-256"), why);
    }

    @Test
    void rejectsACorruptPlan() throws IOException {
        byte[] flipped = PLAN.clone();
        flipped[3] ^= 1;
        String why = loadWithEntry(manifestFor(KEY, PLAN), flipped).rejection();
        assertTrue(why.contains("SHA-256"), why);
    }

    @Test
    void rejectsATruncatedPlan() throws IOException {
        byte[] cut = java.util.Arrays.copyOf(PLAN, 5);
        String why = loadWithEntry(manifestFor(KEY, PLAN), cut).rejection();
        assertTrue(why.contains("5 bytes"), why);
    }

    @Test
    void rejectsAnUnreadableManifest() throws IOException {
        PlanCache cache = new PlanCache(root);
        Path dir = cache.entryDir(KEY);
        Files.createDirectories(dir);
        Files.write(dir.resolve(PlanManifest.PLAN_FILE_NAME), PLAN);
        Files.writeString(dir.resolve(PlanManifest.FILE_NAME), "{ truncated");
        PlanCache.Lookup l = cache.load(KEY);
        assertFalse(l.hit());
        assertTrue(l.rejection().contains("unreadable manifest"), l.rejection());
        assertFalse(Files.exists(dir));
    }

    @Test
    void commitRefusesABuildThatDoesNotMatchItsKey() throws IOException {
        PlanCache cache = new PlanCache(root);
        PlanKey other = new PlanKey("NVIDIA L4", 8, 9, KEY.trtVersion(), KEY.onnxSha256(), 1, 8, 32);
        Path staging = stage(cache, manifestFor(other, PLAN), PLAN);
        IOException e = assertThrows(IOException.class, () -> cache.commit(KEY, staging));
        assertTrue(e.getMessage().contains("NVIDIA L4"), e.getMessage());
        assertFalse(Files.exists(cache.entryDir(KEY)));
        assertFalse(Files.exists(staging));
    }

    @Test
    void commitReplacesAStaleEntry() throws IOException {
        PlanCache cache = new PlanCache(root);
        Path dir = cache.entryDir(KEY);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("junk"), "old");
        cache.commit(KEY, stage(cache, manifestFor(KEY, PLAN), PLAN));
        assertFalse(Files.exists(dir.resolve("junk")));
        assertTrue(cache.load(KEY).hit());
    }
}
