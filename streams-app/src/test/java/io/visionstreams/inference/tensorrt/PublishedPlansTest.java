package io.visionstreams.inference.tensorrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.Tensor;

/** Choosing a published plan for a host and adopting it into the plan cache, with fake device facts (no GPU). */
class PublishedPlansTest {

    static final PublishedPlans.DeviceFacts H100 = new PublishedPlans.DeviceFacts("NVIDIA H100 80GB HBM3", 9, 0, 110201);
    static final BuildOptions OPTIONS = new BuildOptions(8, 32, 1 << 30, 3, Duration.ofMinutes(15));
    static final String ONNX_SHA = "ab".repeat(32);

    @TempDir
    Path tmp;

    static PublishedPlans.Candidate plan(String name, String gpu, String cc, String trt, String... extra) {
        Map<String, String> tags = new java.util.HashMap<>(Map.of("gpu", gpu, "computeCapability", cc,
                "tensorrtVersion", trt));
        for (int i = 0; i < extra.length; i += 2) {
            tags.put(extra[i], extra[i + 1]);
        }
        return new PublishedPlans.Candidate("m/1/" + name, tags, Path.of(name));
    }

    @Test
    void choosesThePlanWhoseGpuComputeCapabilityAndTensorRtMatchThisHost() {
        PublishedPlans.Candidate a100 = plan("a100.plan", "NVIDIA A100-SXM4-80GB", "8.0", "11.2");
        PublishedPlans.Candidate oldTrt = plan("h100-trt10.plan", "NVIDIA H100 80GB HBM3", "9.0", "10.9");
        PublishedPlans.Candidate h100 = plan("h100.plan", "nvidia h100 80gb hbm3", "9.0", "11.2");
        PublishedPlans.Selection s = PublishedPlans.select(List.of(a100, oldTrt, h100), H100, ONNX_SHA, OPTIONS);
        assertSame(h100, s.chosen());
        assertEquals(2, s.rejections().size());
        assertTrue(s.rejections().get(0).contains("A100"), s.rejections().get(0));
        assertTrue(s.rejections().get(1).contains("TensorRT 10.9") && s.rejections().get(1).contains("11.2.1"),
                s.rejections().get(1));
    }

    @Test
    void nothingMatchesOnAnotherArchitectureOrWithoutTheRequiredTags() {
        PublishedPlans.Selection s = PublishedPlans.select(List.of(
                plan("l4.plan", "NVIDIA L4", "8.9", "11.2"),
                plan("h100-cc.plan", "NVIDIA H100 80GB HBM3", "8.9", "11.2"),
                new PublishedPlans.Candidate("m/1/untagged.plan", Map.of(), Path.of("x"))), H100, ONNX_SHA, OPTIONS);
        assertNull(s.chosen());
        assertEquals(3, s.rejections().size());
        assertTrue(s.rejections().get(1).contains("compute capability 8.9"), s.rejections().get(1));
    }

    @Test
    void optionalTagsNarrowTheChoice() {
        String gpu = H100.gpuName();
        assertNull(PublishedPlans.select(List.of(plan("p", gpu, "9.0", "11.2", "onnxSha256", "cd".repeat(32))), H100,
                ONNX_SHA, OPTIONS).chosen(), "built from another ONNX");
        assertNull(PublishedPlans.select(List.of(plan("p", gpu, "9.0", "11.2", "profile", "1/4/16")), H100, ONNX_SHA,
                OPTIONS).chosen(), "another batch profile");
        assertTrue(PublishedPlans.select(List.of(plan("p", gpu, "9.0", "11.2", "onnxSha256", ONNX_SHA.toUpperCase(),
                "profile", "1/8/32")), H100, ONNX_SHA, OPTIONS).chosen() != null);
    }

    @Test
    void tensorRtVersionTagsCompareTheComponentsTheyGive() {
        assertTrue(PublishedPlans.trtMatches("11", 110201));
        assertTrue(PublishedPlans.trtMatches("11.2", 110201));
        assertTrue(PublishedPlans.trtMatches("11.2.1", 110201));
        assertTrue(PublishedPlans.trtMatches("110201", 110201));
        assertFalse(PublishedPlans.trtMatches("11.2.0", 110201));
        assertFalse(PublishedPlans.trtMatches("110200", 110201));
        assertFalse(PublishedPlans.trtMatches("11.20", 110201));
        assertFalse(PublishedPlans.trtMatches("eleven", 110201));
        assertFalse(PublishedPlans.trtMatches("11.2.1.0", 110201));
        assertFalse(PublishedPlans.trtMatches(null, 110201));
    }

    @Test
    void anAdoptedPlanIsWhatTheRuntimesCacheLookupFinds() throws Exception {
        byte[] engine = "pretend serialized engine for an H100".getBytes();
        Path file = Files.write(tmp.resolve("h100.plan"), engine);
        PublishedPlans.Candidate c = new PublishedPlans.Candidate("m/1/h100.plan",
                Map.of("gpu", H100.gpuName(), "computeCapability", "9.0", "tensorrtVersion", "11.2", "precision", "FP16"),
                file);
        PlanCache cache = new PlanCache(tmp.resolve("cache"));
        PlanKey key = PublishedPlans.keyFor(H100, ONNX_SHA, OPTIONS);
        PublishedPlans.adopt(cache, key, c, "m/1");

        // the key TensorRtRuntime computes for this ONNX on this device with these options
        PlanKey runtimeKey = new PlanKey(H100.gpuName(), 9, 0, 110201, ONNX_SHA, BuildOptions.MIN_BATCH, 8, 32);
        PlanCache.Lookup hit = new PlanCache(tmp.resolve("cache")).load(runtimeKey);
        assertTrue(hit.hit(), hit.rejection());
        assertArrayEquals(engine, hit.plan().plan());
        assertEquals("fp16", hit.plan().manifest().precision());
        assertTrue(PublishedPlans.isAdopted(hit.plan().manifest()));
        // no recorded I/O: the session does not compare the engine's tensors with the manifest
        TensorRtSession.checkAgainstManifest(List.of(new IoBinding("images", true, Tensor.Type.FLOAT32,
                new long[] {-1, 3, 64, 64})), hit.plan().manifest(), "test");
        // a locally built manifest still must list them
        PlanManifest built = PlanKeyAndManifestTest.manifestFor(PlanKeyAndManifestTest.KEY, engine);
        assertThrows(InferenceException.class, () -> TensorRtSession.checkAgainstManifest(List.of(new IoBinding("other",
                true, Tensor.Type.FLOAT32, new long[] {-1, 3, 64, 64})), built, "test"));
    }
}
