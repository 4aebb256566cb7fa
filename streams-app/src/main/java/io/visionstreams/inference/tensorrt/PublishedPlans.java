package io.visionstreams.inference.tensorrt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.visionstreams.release.ArtifactKinds;

/**
 * Prebuilt TensorRT plans published with a release ({@code publish --plan FILE --plan-tags ...}): which one,
 * if any, was built for this host, and adopting it into the {@link PlanCache} under the key the runtime
 * will look up, so the runtime loads it instead of building an engine.
 *
 * <p>A plan only deserializes on the TensorRT version and GPU architecture that built it, so a plan is
 * chosen only when every tag matches the local device: {@code gpu} (the GPU name as the probe reports it,
 * case-insensitive), {@code computeCapability} (major.minor) and {@code tensorrtVersion} ("11.2" matches
 * every 11.2.x, "11.2.1" or the library code "110201" only that build). Optional tags narrow it further:
 * {@code onnxSha256} (the ONNX it was built from must be the one this instance loads) and {@code profile}
 * ("min/opt/max", must equal this instance's profile). No match: the runtime builds from the ONNX as without
 * a published plan. A chosen plan whose engine then fails to deserialize is evicted and rebuilt by
 * {@link TensorRtRuntime} as any cached plan.
 */
public final class PublishedPlans {

    private PublishedPlans() {
    }

    /** What a plan must have been built for: this host's GPU and TensorRT (from the probe, or a test's fakes). */
    public record DeviceFacts(String gpuName, int ccMajor, int ccMinor, int trtVersion) {
        public static DeviceFacts of(TensorRtProbe.Result probe) {
            return new DeviceFacts(probe.gpuName(), probe.ccMajor(), probe.ccMinor(), probe.trtVersion());
        }

        /** The TensorRT library code as major.minor.patch (110201 → 11.2.1). */
        public String trtDotted() {
            return trtVersion / 10000 + "." + (trtVersion / 100) % 100 + "." + trtVersion % 100;
        }
    }

    /** A published plan as fetched and verified: its signed tags and local file. */
    public record Candidate(String uri, Map<String, String> tags, Path file) {
        public Candidate {
            tags = Map.copyOf(tags);
        }
    }

    /** The plan built for this host, or null with each candidate's reason for not matching. */
    public record Selection(Candidate chosen, List<String> rejections) {
        public Selection {
            rejections = List.copyOf(rejections);
        }
    }

    /** The first candidate whose tags all match (release order), and why the others did not. */
    public static Selection select(List<Candidate> plans, DeviceFacts device, String onnxSha256, BuildOptions options) {
        List<String> rejections = new ArrayList<>();
        for (Candidate c : plans) {
            String why = mismatch(c.tags(), device, onnxSha256, options);
            if (why == null) {
                return new Selection(c, rejections);
            }
            rejections.add(c.uri() + ": " + why);
        }
        return new Selection(null, rejections);
    }

    /** Null when the tags describe a plan for this device, ONNX and profile; else the first difference. */
    static String mismatch(Map<String, String> tags, DeviceFacts device, String onnxSha256, BuildOptions options) {
        String gpu = tags.get(ArtifactKinds.TAG_GPU);
        if (gpu == null || !gpu.trim().equalsIgnoreCase(device.gpuName().trim())) {
            return "built for GPU '" + gpu + "', this host has '" + device.gpuName() + "'";
        }
        String cc = tags.get(ArtifactKinds.TAG_COMPUTE_CAPABILITY);
        if (cc == null || !cc.trim().equals(device.ccMajor() + "." + device.ccMinor())) {
            return "built for compute capability " + cc + ", this host has " + device.ccMajor() + "." + device.ccMinor();
        }
        String trt = tags.get(ArtifactKinds.TAG_TENSORRT_VERSION);
        if (!trtMatches(trt, device.trtVersion())) {
            return "built with TensorRT " + trt + ", this process has " + device.trtDotted();
        }
        String onnx = tags.get(ArtifactKinds.TAG_ONNX_SHA256);
        if (onnx != null && !onnx.trim().equalsIgnoreCase(onnxSha256)) {
            return "built from ONNX " + onnx + ", this instance loads " + onnxSha256;
        }
        String profile = tags.get(ArtifactKinds.TAG_PROFILE);
        String mine = BuildOptions.MIN_BATCH + "/" + options.optBatch() + "/" + options.maxBatch();
        if (profile != null && !profile.trim().equals(mine)) {
            return "built with batch profile " + profile + ", this instance uses " + mine;
        }
        return null;
    }

    /** "11" / "11.2" / "11.2.1" compare the components given; a plain number ≥ 10000 is the exact library code. */
    static boolean trtMatches(String tag, int version) {
        if (tag == null || tag.isBlank()) {
            return false;
        }
        String t = tag.trim();
        try {
            if (!t.contains(".") && t.length() >= 5) {
                return Integer.parseInt(t) == version;
            }
            String[] parts = t.split("\\.");
            int[] have = {version / 10000, (version / 100) % 100, version % 100};
            if (parts.length > 3) {
                return false;
            }
            for (int i = 0; i < parts.length; i++) {
                if (Integer.parseInt(parts[i]) != have[i]) {
                    return false;
                }
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The cache key the runtime will look up for this ONNX on this device with these options. */
    public static PlanKey keyFor(DeviceFacts device, String onnxSha256, BuildOptions options) {
        return new PlanKey(device.gpuName(), device.ccMajor(), device.ccMinor(), device.trtVersion(), onnxSha256,
                BuildOptions.MIN_BATCH, options.optBatch(), options.maxBatch());
    }

    /**
     * Puts a chosen plan into the cache under {@code key} (atomically, through a staging directory). The plan was
     * verified against its signed SHA-256 by the release fetcher; the manifest written here records no I/O
     * tensors (the publisher did not describe them): the deployment's contract check and the release's golden
     * check verify the engine's inputs and outputs instead.
     */
    public static PlanCache.CachedPlan adopt(PlanCache cache, PlanKey key, Candidate plan, String release)
            throws IOException {
        byte[] bytes = Files.readAllBytes(plan.file());
        Path staging = cache.newStagingDir();
        try {
            Files.write(staging.resolve(PlanManifest.PLAN_FILE_NAME), bytes);
            PlanManifest m = new PlanManifest(PlanManifest.FORMAT, PlanManifest.PLAN_FILE_NAME, bytes.length,
                    OnnxFacts.sha256(bytes), key.trtVersion(), key.gpuName(), key.ccMajor(), key.ccMinor(),
                    key.onnxSha256(), plan.tags().getOrDefault(ArtifactKinds.TAG_PRECISION, "unknown").toLowerCase(Locale.ROOT),
                    List.of(), List.of(), new PlanManifest.Profile(key.minBatch(), key.optBatch(), key.maxBatch()),
                    null, "published in " + release + " (" + plan.uri() + "), adopted " + Instant.now(), 0);
            Files.writeString(staging.resolve(PlanManifest.FILE_NAME), m.toJson());
            return cache.commit(key, staging);
        } finally {
            PlanCache.deleteQuietly(staging);
        }
    }

    /** Whether a manifest was written by {@link #adopt}: it records no I/O tensors (a local build always does). */
    static boolean isAdopted(PlanManifest m) {
        return m.inputs().isEmpty() && m.outputs().isEmpty();
    }
}
