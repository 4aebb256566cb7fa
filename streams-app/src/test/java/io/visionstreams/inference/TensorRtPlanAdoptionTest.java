package io.visionstreams.inference;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.tensorrt.BuildOptions;
import io.visionstreams.inference.tensorrt.OnnxFacts;
import io.visionstreams.inference.tensorrt.PlanCache;
import io.visionstreams.inference.tensorrt.PublishedPlans;

/** What an instance on a (fake) GPU host does with a release's published plans before opening it. */
class TensorRtPlanAdoptionTest {

    static final BuildOptions OPTIONS = new BuildOptions(8, 32, 1 << 30, 3, Duration.ofMinutes(15));
    static final byte[] ONNX = "pretend onnx".getBytes();

    @TempDir
    Path tmp;

    @Test
    void theMatchingPlanLandsInTheCacheUnderTheRuntimesKeyAndAMismatchLeavesTheBuildToTheRuntime() throws Exception {
        Path h100 = Files.write(tmp.resolve("h100.plan"), "h100 engine".getBytes());
        Path a100 = Files.write(tmp.resolve("a100.plan"), "a100 engine".getBytes());
        List<PublishedPlans.Candidate> plans = List.of(
                new PublishedPlans.Candidate("m/2/a100.plan", Map.of("gpu", "NVIDIA A100-SXM4-80GB",
                        "computeCapability", "8.0", "tensorrtVersion", "11.2"), a100),
                new PublishedPlans.Candidate("m/2/h100.plan", Map.of("gpu", "NVIDIA H100 80GB HBM3",
                        "computeCapability", "9.0", "tensorrtVersion", "11.2"), h100));
        PlanCache cache = new PlanCache(tmp.resolve("cache"));

        PublishedPlans.DeviceFacts onH100 = new PublishedPlans.DeviceFacts("NVIDIA H100 80GB HBM3", 9, 0, 110201);
        String said = TensorRtBackend.adopt("m/2", plans, ONNX, onH100, cache, OPTIONS);
        assertTrue(said.contains("h100.plan adopted"), said);
        PlanCache.Lookup hit = cache.load(PublishedPlans.keyFor(onH100, OnnxFacts.sha256(ONNX), OPTIONS));
        assertTrue(hit.hit(), hit.rejection());
        assertTrue(new String(hit.plan().plan()).equals("h100 engine"));

        PublishedPlans.DeviceFacts onL4 = new PublishedPlans.DeviceFacts("NVIDIA L4", 8, 9, 110201);
        said = TensorRtBackend.adopt("m/2", plans, ONNX, onL4, cache, OPTIONS);
        assertTrue(said.startsWith("no published TensorRT plan matches NVIDIA L4") && said.contains("builds the engine"),
                said);
        PlanCache.Lookup miss = cache.load(PublishedPlans.keyFor(onL4, OnnxFacts.sha256(ONNX), OPTIONS));
        assertTrue(!miss.hit());
    }

    @Test
    void aReleaseWithoutPlansOrAHostWithoutTensorRtChangesNothing() {
        assertNull(TensorRtBackend.adoptPublishedPlan("m/2", List.of(), ONNX));
        if (!TensorRtBackend.isAvailable()) { // the CI case: plans are reported unused, nothing is written
            String said = TensorRtBackend.adoptPublishedPlan("m/2", List.of(new PublishedPlans.Candidate("m/2/h100.plan",
                    Map.of(), tmp.resolve("absent"))), ONNX);
            assertTrue(said.contains("not used"), said);
        }
    }
}
