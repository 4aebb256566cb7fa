package io.visionstreams.inference.tensorrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class PlanKeyAndManifestTest {

    static final String SHA = "ab".repeat(32);
    static final PlanKey KEY = new PlanKey("NVIDIA H100 80GB HBM3", 9, 0, 110201, SHA, 1, 8, 32);

    static PlanManifest manifestFor(PlanKey k, byte[] plan) {
        return new PlanManifest(PlanManifest.FORMAT, PlanManifest.PLAN_FILE_NAME, plan.length, OnnxFacts.sha256(plan),
                k.trtVersion(), k.gpuName(), k.ccMajor(), k.ccMinor(), k.onnxSha256(), k.precision().tag(),
                List.of(new PlanManifest.IoTensor("images", "float32", new long[] {-1, 3, 320, 320})),
                List.of(new PlanManifest.IoTensor("boxes", "float32", new long[] {-1, 400, 4}),
                        new PlanManifest.IoTensor("labels", "int32", new long[] {-1, 400})),
                new PlanManifest.Profile(k.minBatch(), k.optBatch(), k.maxBatch()),
                new PlanManifest.Builder(1L << 30, 3, true, "none", false), "2026-11-23T00:00:00Z", 1234);
    }

    @Test
    void idIsStableReadableAndChangesWithEveryField() {
        assertEquals(KEY.id(), new PlanKey("NVIDIA H100 80GB HBM3", 9, 0, 110201, SHA, 1, 8, 32).id());
        assertTrue(KEY.id().startsWith("nvidia-h100-80gb-hbm3-sm90-trt110201-abababababababab-b1-8-32-"), KEY.id());
        assertTrue(KEY.id().matches("[a-z0-9-]+"), KEY.id());
        Set<String> ids = Stream.of(
                KEY,
                new PlanKey("NVIDIA H200", 9, 0, 110201, SHA, 1, 8, 32),
                new PlanKey("NVIDIA H100 80GB HBM3", 8, 9, 110201, SHA, 1, 8, 32),
                new PlanKey("NVIDIA H100 80GB HBM3", 9, 0, 110300, SHA, 1, 8, 32),
                new PlanKey("NVIDIA H100 80GB HBM3", 9, 0, 110201, "cd".repeat(32), 1, 8, 32),
                new PlanKey("NVIDIA H100 80GB HBM3", 9, 0, 110201, SHA, 1, 4, 32),
                new PlanKey("NVIDIA H100 80GB HBM3", 9, 0, 110201, SHA, 1, 8, 16),
                // sanitises to the same readable prefix; the key hash keeps them apart
                new PlanKey("nvidia h100 80gb hbm3", 9, 0, 110201, SHA, 1, 8, 32))
                .map(PlanKey::id).collect(Collectors.toSet());
        assertEquals(8, ids.size(), ids.toString());
    }

    @Test
    void timingCacheIsPerGpuAndTensorRtVersionNotPerModel() {
        PlanKey otherModel = new PlanKey(KEY.gpuName(), 9, 0, 110201, "cd".repeat(32), 1, 2, 4);
        assertEquals(KEY.timingCacheName(), otherModel.timingCacheName());
        assertNotEquals(KEY.timingCacheName(), new PlanKey(KEY.gpuName(), 9, 0, 110300, SHA, 1, 8, 32).timingCacheName());
    }

    @Test
    void keyRejectsMalformedHashAndBlankGpu() {
        assertThrows(IllegalArgumentException.class, () -> new PlanKey("gpu", 9, 0, 1, "ABC", 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PlanKey(" ", 9, 0, 1, SHA, 1, 1, 1));
    }

    @Test
    void manifestRoundTripsThroughJson() throws IOException {
        PlanManifest m = manifestFor(KEY, new byte[] {1, 2, 3});
        PlanManifest back = PlanManifest.fromJson(m.toJson());
        assertEquals(m.toJson(), back.toJson());
        assertEquals(KEY, back.key());
        assertArrayEquals(new long[] {-1, 3, 320, 320}, back.inputs().get(0).shape());
        assertEquals("int32", back.outputs().get(1).dtype());
        assertEquals("fp32", back.precision());
        assertTrue(back.mismatches(KEY).isEmpty(), back.mismatches(KEY).toString());
    }

    @Test
    void manifestNamesEveryFieldThatDiffersFromTheKey() {
        PlanManifest m = manifestFor(KEY, new byte[] {1});
        PlanKey other = new PlanKey("NVIDIA A100-SXM4-40GB", 8, 0, 100150, "cd".repeat(32), 1, 4, 16);
        String all = String.join("\n", m.mismatches(other));
        assertTrue(all.contains("GPU 'NVIDIA H100 80GB HBM3'"), all);
        assertTrue(all.contains("compute capability 9.0"), all);
        assertTrue(all.contains("TensorRT version 110201"), all);
        assertTrue(all.contains("ONNX SHA-256"), all);
        assertTrue(all.contains("profile"), all);
        assertEquals(5, m.mismatches(other).size());
    }

    @Test
    void manifestMissingRequiredFieldsIsRejected() {
        assertThrows(IOException.class, () -> PlanManifest.fromJson("{\"format\":1}"));
        assertThrows(IOException.class, () -> PlanManifest.fromJson("not json"));
    }
}
