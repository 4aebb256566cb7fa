package io.visionstreams.inference.tensorrt;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a serialized plan is valid for: a plan runs only on the TensorRT version and GPU architecture that
 * built it (platform-notes §10.8), for the exact ONNX it was built from, with its optimisation profile.
 * Any difference means a different cache entry.
 */
public record PlanKey(String gpuName, int ccMajor, int ccMinor, int trtVersion, String onnxSha256,
                      int minBatch, int optBatch, int maxBatch) {

    public PlanKey {
        if (gpuName == null || gpuName.isBlank()) {
            throw new IllegalArgumentException("GPU name is required");
        }
        if (onnxSha256 == null || !onnxSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("ONNX SHA-256 must be 64 lowercase hex digits, got " + onnxSha256);
        }
    }

    public static PlanKey of(TensorRtProbe.Result gpu, String onnxSha256, BuildOptions options) {
        return new PlanKey(gpu.gpuName(), gpu.ccMajor(), gpu.ccMinor(), gpu.trtVersion(), onnxSha256,
                BuildOptions.MIN_BATCH, options.optBatch(), options.maxBatch());
    }

    /** Every field, unambiguously; hashed into {@link #id()}. */
    public String canonical() {
        return "gpu=" + gpuName + "\ncc=" + ccMajor + "." + ccMinor + "\ntrt=" + trtVersion + "\nonnx=" + onnxSha256
                + "\nprofile=" + minBatch + "/" + optBatch + "/" + maxBatch;
    }

    /**
     * Directory name of the cache entry: readable (GPU, compute capability, TRT version, ONNX hash prefix,
     * profile) plus a hash of the full key so two GPU names that sanitise alike cannot collide.
     */
    public String id() {
        String keyHash = OnnxFacts.sha256(canonical().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        return sanitize(gpuName) + "-sm" + ccMajor + ccMinor + "-trt" + trtVersion + "-" + onnxSha256.substring(0, 16)
                + "-b" + minBatch + "-" + optBatch + "-" + maxBatch + "-" + keyHash;
    }

    /** Timing caches are shared by every model built on one GPU model with one TensorRT version. */
    public String timingCacheName() {
        return sanitize(gpuName) + "-sm" + ccMajor + ccMinor + "-trt" + trtVersion + ".timing-cache";
    }

    static String sanitize(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return t.isEmpty() ? "gpu" : t;
    }
}
