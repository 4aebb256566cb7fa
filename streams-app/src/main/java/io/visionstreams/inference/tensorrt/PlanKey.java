package io.visionstreams.inference.tensorrt;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.visionstreams.inference.Precision;

/**
 * What a serialized plan is valid for: a plan runs only on the TensorRT version and GPU architecture that
 * built it (platform-notes §10.8), for the exact ONNX it was built from, with its optimisation profile.
 * Any difference means a different cache entry. The precision asked for is part of the key too (the ONNX hash
 * already differs between the FP32 and FP16 variants; the precision makes the entry's name say which it is and
 * lets the manifest check catch an "FP16" ONNX that is not).
 */
public record PlanKey(String gpuName, int ccMajor, int ccMinor, int trtVersion, String onnxSha256,
                      int minBatch, int optBatch, int maxBatch, Precision precision) {

    public PlanKey {
        if (gpuName == null || gpuName.isBlank()) {
            throw new IllegalArgumentException("GPU name is required");
        }
        if (onnxSha256 == null || !onnxSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("ONNX SHA-256 must be 64 lowercase hex digits, got " + onnxSha256);
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision is required");
        }
    }

    /** An FP32 key. */
    public PlanKey(String gpuName, int ccMajor, int ccMinor, int trtVersion, String onnxSha256,
                   int minBatch, int optBatch, int maxBatch) {
        this(gpuName, ccMajor, ccMinor, trtVersion, onnxSha256, minBatch, optBatch, maxBatch, Precision.FP32);
    }

    public static PlanKey of(TensorRtProbe.Result gpu, String onnxSha256, BuildOptions options, Precision precision) {
        return new PlanKey(gpu.gpuName(), gpu.ccMajor(), gpu.ccMinor(), gpu.trtVersion(), onnxSha256,
                BuildOptions.MIN_BATCH, options.optBatch(), options.maxBatch(), precision);
    }

    /** Every field, unambiguously; hashed into {@link #id()}. */
    public String canonical() {
        return "gpu=" + gpuName + "\ncc=" + ccMajor + "." + ccMinor + "\ntrt=" + trtVersion + "\nonnx=" + onnxSha256
                + "\nprofile=" + minBatch + "/" + optBatch + "/" + maxBatch + "\nprecision=" + precision.tag();
    }

    /**
     * Directory name of the cache entry: readable (GPU, compute capability, TRT version, ONNX hash prefix,
     * profile) plus a hash of the full key so two GPU names that sanitise alike cannot collide.
     */
    public String id() {
        String keyHash = OnnxFacts.sha256(canonical().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        return sanitize(gpuName) + "-sm" + ccMajor + ccMinor + "-trt" + trtVersion + "-" + onnxSha256.substring(0, 16)
                + "-b" + minBatch + "-" + optBatch + "-" + maxBatch + "-" + precision.tag() + "-" + keyHash;
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
