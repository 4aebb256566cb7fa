package io.visionstreams.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.OnnxRuntimeBackend;
import io.visionstreams.inference.Precision;
import io.visionstreams.inference.tensorrt.OnnxFacts;
import io.visionstreams.inference.tensorrt.PlanManifest;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.release.ArtifactKinds;
import io.visionstreams.release.DirectoryArtifactStore;
import io.visionstreams.release.RejectReason;
import io.visionstreams.release.ReleaseFetcher;
import io.visionstreams.release.ReleaseKeys;
import io.visionstreams.release.ReleaseSigning;
import io.visionstreams.release.SignedRelease;
import io.visionstreams.release.TrustedKeys;
import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.ModelStatus;

/**
 * FP16 through the released onnx-fp16: an FP16 instance opens the FP16 variant or rejects a release without
 * one; publish fills plan tags from a plan-cache manifest and refuses plans of another ONNX.
 */
class Fp16ReleaseTest {

    static OnnxRuntimeBackend cpu;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        cpu = new OnnxRuntimeBackend(1, 1);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    /** The detector-student directory with an "FP16 variant" (stand-in bytes: only their identity matters here). */
    private Path modelDirWithFp16() throws Exception {
        Path src = ReleasePublisherTest.zooDir("detector-student/1");
        Path dir = Files.createDirectories(tmp.resolve("model"));
        for (String f : List.of("model.json", "model.onnx", "MODEL_CARD.md")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        Files.write(dir.resolve(ModelZoo.FP16_ONNX_FILE), "fp16 graph".getBytes());
        return dir;
    }

    private ModelRelease publish(Path dir, Path fp16, List<ReleasePublisher.PlanFile> plans, KeyPair kp)
            throws Exception {
        ModelRelease r = ReleasePublisher.prepare(new ReleasePublisher.Request(dir, null, "2", false, fp16, plans, 1),
                new DirectoryArtifactStore(tmp.resolve("store")), cpu, Instant.now());
        return ReleaseSigning.sign(r, kp.getPrivate(), kp.getPublic());
    }

    /** Installs into an instance whose opener records the model it is handed and then fails the load. */
    private String install(ModelRelease release, KeyPair kp, Precision precision, AtomicReference<LoadedModel> opened,
                           List<ModelStatus> statuses) throws Exception {
        LoadedModel served = ModelZoo.loadBundled(ModelZoo.DEFAULT_DETECTOR);
        ReleaseInstaller<ReleaseFollowerRetryTest.FakeDeployment> installer = new ReleaseInstaller<>("i1",
                new ModelSlot<>(new ReleaseFollowerRetryTest.FakeDeployment(served)), m -> {
                    opened.set(m);
                    throw new InferenceException("stop after open");
                },
                new ReleaseFetcher(new DirectoryArtifactStore(tmp.resolve("store")), TrustedKeys.of(kp.getPublic()),
                        tmp.resolve("cache-" + precision)),
                statuses::add, new ServingMetrics(served.descriptor().name(), "1"),
                new ReleaseInstaller.Checks(0.01, 1, precision));
        assertFalse(installer.install(SignedRelease.of(release)));
        ModelStatus last = statuses.get(statuses.size() - 1);
        return last.getReason() + ": " + last.getMessage();
    }

    @Test
    void anFp16InstanceRejectsAReleaseWithoutOnnxFp16BeforeOpeningIt() throws Exception {
        KeyPair kp = ReleaseKeys.generate();
        ModelRelease r = publish(modelDirWithFp16(), null, List.of(), kp);
        AtomicReference<LoadedModel> opened = new AtomicReference<>();
        List<ModelStatus> statuses = Collections.synchronizedList(new ArrayList<>());
        String why = install(r, kp, Precision.FP16, opened, statuses);
        assertTrue(why.startsWith(RejectReason.MISSING_ARTIFACT + ": ") && why.contains("no onnx-fp16 artifact")
                && why.contains("--precision fp32"), why);
        assertNull(opened.get(), "nothing was opened");
    }

    @Test
    void anFp16InstanceOpensTheReleasedFp16VariantAndAnFp32OneDoesNotLoadIt() throws Exception {
        Path dir = modelDirWithFp16();
        KeyPair kp = ReleaseKeys.generate();
        ModelRelease r = publish(dir, dir.resolve(ModelZoo.FP16_ONNX_FILE), List.of(), kp);
        AtomicReference<LoadedModel> opened = new AtomicReference<>();
        List<ModelStatus> statuses = new ArrayList<>();
        String why = install(r, kp, Precision.FP16, opened, statuses);
        assertTrue(why.startsWith(RejectReason.LOAD_FAILED.name()), why); // the fake opener's failure
        assertArrayEquals("fp16 graph".getBytes(), opened.get().onnxFp16());
        assertArrayEquals("fp16 graph".getBytes(), opened.get().source().onnxFor(Precision.FP16));

        opened.set(null);
        install(r, kp, Precision.FP32, opened, statuses);
        assertNull(opened.get().onnxFp16());
    }

    @Test
    void fp16ComparesWithTheFp32GoldenOutputAtTheFp16Tolerance() {
        assertEquals(0.01, new ReleaseInstaller.Checks(0.01, 3, Precision.FP32).effectiveGoldenTolerance());
        assertEquals(GoldenCheck.FP16_TOLERANCE, new ReleaseInstaller.Checks(0.01, 3, Precision.FP16)
                .effectiveGoldenTolerance());
        assertEquals(0.2, new ReleaseInstaller.Checks(0.2, 3, Precision.FP16).effectiveGoldenTolerance(),
                "a looser configured tolerance is kept");
        assertEquals(Precision.FP32, ReleaseInstaller.Checks.defaults().precision());
    }

    @Test
    void aModelDirectoryWithModelFp16OnnxCarriesIt() throws Exception {
        LoadedModel m = ModelZoo.loadDirectory(modelDirWithFp16());
        assertArrayEquals("fp16 graph".getBytes(), m.onnxFp16());
        assertNull(ModelZoo.loadDirectory(ReleasePublisherTest.zooDir("detector-student/1")).onnxFp16());
    }

    /** A plan-cache entry as the runtime writes it: plan.engine and its manifest. */
    private Path cacheEntry(String onnxSha, String precision) throws Exception {
        Path entry = Files.createDirectories(tmp.resolve("cache-entry-" + onnxSha.substring(0, 8)));
        byte[] plan = ("engine for " + onnxSha).getBytes();
        Files.write(entry.resolve(PlanManifest.PLAN_FILE_NAME), plan);
        PlanManifest m = new PlanManifest(PlanManifest.FORMAT, PlanManifest.PLAN_FILE_NAME, plan.length,
                OnnxFacts.sha256(plan), 110201, "NVIDIA H100 80GB HBM3", 9, 0, onnxSha, precision, List.of(), List.of(),
                new PlanManifest.Profile(1, 4, 16), null, "2026-11-23T00:00:00Z", 1);
        Files.writeString(entry.resolve(PlanManifest.FILE_NAME), m.toJson());
        return entry.resolve(PlanManifest.PLAN_FILE_NAME);
    }

    static final Map<String, String> REQUIRED = Map.of("gpu", "NVIDIA H100 80GB HBM3", "computeCapability", "9.0",
            "tensorrtVersion", "11.2");

    @Test
    void publishFillsPlanTagsFromTheCacheManifestBesideThePlan() throws Exception {
        Path dir = modelDirWithFp16();
        Path fp16 = dir.resolve(ModelZoo.FP16_ONNX_FILE);
        String fp16Sha = ReleaseFetcher.sha256Hex(fp16);
        Path plan = cacheEntry(fp16Sha, "fp16");
        KeyPair kp = ReleaseKeys.generate();
        ModelRelease r = publish(dir, fp16, List.of(new ReleasePublisher.PlanFile(plan, REQUIRED)), kp);
        ModelArtifact a = r.getArtifacts().stream().filter(x -> x.getKind().equals(ArtifactKinds.TENSORRT_PLAN))
                .findFirst().orElseThrow();
        assertEquals(fp16Sha, a.getTags().get(ArtifactKinds.TAG_ONNX_SHA256));
        assertEquals("1/4/16", a.getTags().get(ArtifactKinds.TAG_PROFILE));
        assertEquals("fp16", a.getTags().get(ArtifactKinds.TAG_PRECISION));
        assertEquals("NVIDIA H100 80GB HBM3", a.getTags().get(ArtifactKinds.TAG_GPU));
    }

    @Test
    void publishRefusesAPlanBuiltFromAnotherOnnxOrContradictingItsManifest() throws Exception {
        Path dir = modelDirWithFp16();
        String onnxSha = ModelZoo.loadDirectory(dir).descriptor().sha256();
        String fp16Sha = ReleaseFetcher.sha256Hex(dir.resolve(ModelZoo.FP16_ONNX_FILE));
        Path foreign = cacheEntry("cd".repeat(32), "fp32");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReleasePublisher
                .withCacheManifest(new ReleasePublisher.PlanFile(foreign, REQUIRED), onnxSha, fp16Sha));
        assertTrue(e.getMessage().contains("neither this release's onnx (" + onnxSha + ") nor its onnx-fp16 ("
                + fp16Sha + ")"), e.getMessage());
        // end to end: nothing is uploaded
        assertThrows(IllegalArgumentException.class, () -> publish(dir, null,
                List.of(new ReleasePublisher.PlanFile(foreign, REQUIRED)), ReleaseKeys.generate()));
        assertFalse(Files.exists(tmp.resolve("store")) && Files.list(tmp.resolve("store")).findAny().isPresent());

        Path fp32Plan = cacheEntry(onnxSha, "fp32");
        Map<String, String> contradicting = new java.util.HashMap<>(REQUIRED);
        contradicting.put("profile", "1/8/32");
        e = assertThrows(IllegalArgumentException.class, () -> ReleasePublisher.withCacheManifest(
                new ReleasePublisher.PlanFile(fp32Plan, contradicting), onnxSha, null));
        assertTrue(e.getMessage().contains("profile=1/8/32 contradicts its manifest (1/4/16)"), e.getMessage());

        Files.write(fp32Plan, "another engine".getBytes()); // the manifest no longer describes the file
        e = assertThrows(IllegalArgumentException.class, () -> ReleasePublisher.withCacheManifest(
                new ReleasePublisher.PlanFile(fp32Plan, REQUIRED), onnxSha, null));
        assertTrue(e.getMessage().contains("a manifest of another plan"), e.getMessage());

        Path loose = Files.write(tmp.resolve("loose.plan"), new byte[] {1});
        ReleasePublisher.PlanFile asGiven = new ReleasePublisher.PlanFile(loose, REQUIRED);
        assertEquals(asGiven, ReleasePublisher.withCacheManifest(asGiven, onnxSha, null), "no manifest: tags as given");
    }
}
