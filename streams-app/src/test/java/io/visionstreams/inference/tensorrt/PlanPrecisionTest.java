package io.visionstreams.inference.tensorrt;

import static io.visionstreams.inference.tensorrt.PlanKeyAndManifestTest.manifestFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.Precision;

/** The precision an instance serves at is part of what a plan is for: key, manifest check, published plan choice. */
class PlanPrecisionTest {

    static final String SHA = "ab".repeat(32);
    static final PublishedPlans.DeviceFacts H100 = new PublishedPlans.DeviceFacts("NVIDIA H100 80GB HBM3", 9, 0, 110201);
    static final BuildOptions OPTIONS = new BuildOptions(8, 32, 1L << 30, 3, Duration.ofMinutes(5));

    @TempDir
    Path tmp;

    @Test
    void precisionIsPartOfTheKeyAndTheEntryName() {
        PlanKey fp32 = PublishedPlans.keyFor(H100, SHA, OPTIONS, Precision.FP32);
        PlanKey fp16 = PublishedPlans.keyFor(H100, SHA, OPTIONS, Precision.FP16);
        assertNotEquals(fp32.id(), fp16.id());
        assertTrue(fp16.id().contains("-fp16-"), fp16.id());
        assertTrue(fp16.canonical().endsWith("precision=fp16"), fp16.canonical());
        assertEquals(fp32, new PlanKey(H100.gpuName(), 9, 0, 110201, SHA, 1, 8, 32), "the short constructor is FP32");
    }

    @Test
    void anFp16KeyRejectsAPlanBuiltFromAnFp32GraphButFp32KeysTakeTheGraphAsItIs() {
        PlanKey fp16 = PublishedPlans.keyFor(H100, SHA, OPTIONS, Precision.FP16);
        PlanKey fp32 = PublishedPlans.keyFor(H100, SHA, OPTIONS, Precision.FP32);
        PlanManifest builtFp32 = manifestFor(fp32, new byte[] {1});
        List<String> m = builtFp32.mismatches(fp16);
        assertEquals(1, m.size(), m.toString());
        assertTrue(m.get(0).contains("precision fp32 (wanted fp16)"), m.get(0));
        assertTrue(manifestFor(fp16, new byte[] {1}).mismatches(fp32).isEmpty(), "as before precision was keyed");
        assertEquals(fp16, manifestFor(fp16, new byte[] {1}).key());
    }

    @Test
    void aPublishedPlanTaggedWithAnotherPrecisionIsNotChosen() {
        PublishedPlans.Candidate half = new PublishedPlans.Candidate("m/1/h100-fp16.plan", Map.of("gpu", H100.gpuName(),
                "computeCapability", "9.0", "tensorrtVersion", "11.2", "precision", "FP16"), Path.of("x"));
        PublishedPlans.Selection onFp32 = PublishedPlans.select(List.of(half), H100, SHA, OPTIONS, Precision.FP32);
        assertNull(onFp32.chosen());
        assertTrue(onFp32.rejections().get(0).contains("precision FP16, this instance serves fp32"),
                onFp32.rejections().get(0));
        assertEquals(half, PublishedPlans.select(List.of(half), H100, SHA, OPTIONS, Precision.FP16).chosen());
    }

    @Test
    void anAdoptedPlanIsStoredUnderTheFp16KeyTheRuntimeLooksUp() throws Exception {
        Path file = Files.write(tmp.resolve("h100.plan"), "fp16 engine".getBytes());
        PublishedPlans.Candidate c = new PublishedPlans.Candidate("m/1/h100.plan", Map.of("gpu", H100.gpuName(),
                "computeCapability", "9.0", "tensorrtVersion", "11.2"), file);
        PlanCache cache = new PlanCache(tmp.resolve("cache"));
        PlanKey key = PublishedPlans.keyFor(H100, SHA, OPTIONS, Precision.FP16);
        PublishedPlans.adopt(cache, key, c, "m/1");
        PlanCache.Lookup hit = cache.load(key);
        assertTrue(hit.hit(), hit.rejection());
        assertEquals("fp16", hit.plan().manifest().precision());
        assertTrue(!cache.load(PublishedPlans.keyFor(H100, SHA, OPTIONS, Precision.FP32)).hit());
    }
}
