package io.visionstreams.inference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.visionstreams.inference.tensorrt.BuildOptions;
import io.visionstreams.inference.tensorrt.OnnxFacts;
import io.visionstreams.inference.tensorrt.PlanCache;
import io.visionstreams.inference.tensorrt.PlanKey;
import io.visionstreams.inference.tensorrt.PublishedPlans;
import io.visionstreams.inference.tensorrt.TensorRtProbe;
import io.visionstreams.inference.tensorrt.TensorRtRuntime;

/**
 * Entry point of the GPU backend (TensorRT through the JavaCPP presets, package
 * {@code io.visionstreams.inference.tensorrt}). Availability comes from {@link TensorRtProbe}, which runs once
 * and never lets a native loading failure escape; nothing TensorRT-typed is touched unless it succeeded, so the
 * CPU path keeps working on hosts without a GPU, driver or TensorRT libraries.
 */
public final class TensorRtBackend {

    private TensorRtBackend() {
    }

    /** Whether TensorRT can be used in this process (GPU, driver, CUDA, cuBLAS/cuDNN and libnvinfer load). */
    public static boolean isAvailable() {
        return TensorRtProbe.probe().available();
    }

    /** The probe's one-line verdict, e.g. "TensorRT not available: step '...' failed: ...". */
    public static String unavailableReason() {
        return TensorRtProbe.probe().describe();
    }

    public static InferenceRuntime create() throws InferenceException {
        TensorRtProbe.Result probe = TensorRtProbe.probe();
        if (!probe.available()) {
            throw new InferenceException("--runtime tensorrt: " + probe.describe()
                    + " (use --runtime cpu, or auto to fall back to ONNX Runtime; deploy/README.md lists the "
                    + "native libraries a GPU host needs)");
        }
        return TensorRtRuntime.fromSystemProperties();
    }

    /**
     * For a release about to be opened on TensorRT: puts the published plan built for this host into the plan
     * cache the runtime reads, so it loads that plan instead of building one. Nothing happens when TensorRT is
     * not available here (the release opens on ONNX Runtime). Never throws.
     *
     * @return one line saying what happened, or null when the release has no plans
     */
    public static String adoptPublishedPlan(String release, List<PublishedPlans.Candidate> plans, byte[] onnx) {
        if (plans.isEmpty()) {
            return null;
        }
        TensorRtProbe.Result probe = TensorRtProbe.probe();
        if (!probe.available()) {
            return plans.size() + " published TensorRT plan(s) not used: " + probe.describe();
        }
        return adopt(release, plans, onnx, PublishedPlans.DeviceFacts.of(probe),
                new PlanCache(TensorRtRuntime.defaultCacheDir()), BuildOptions.fromSystemProperties());
    }

    /** {@link #adoptPublishedPlan} with the device facts, cache and options given (tests use fakes). */
    static String adopt(String release, List<PublishedPlans.Candidate> plans, byte[] onnx,
                        PublishedPlans.DeviceFacts device, PlanCache cache, BuildOptions options) {
        String onnxSha = OnnxFacts.sha256(onnx);
        PublishedPlans.Selection s = PublishedPlans.select(plans, device, onnxSha, options);
        if (s.chosen() == null) {
            return "no published TensorRT plan matches " + device.gpuName() + " (compute " + device.ccMajor() + "."
                    + device.ccMinor() + ", TensorRT " + device.trtDotted() + "): " + String.join("; ", s.rejections())
                    + "; the runtime builds the engine from the ONNX";
        }
        PlanKey key = PublishedPlans.keyFor(device, onnxSha, options);
        try {
            Path dir = PublishedPlans.adopt(cache, key, s.chosen(), release).directory();
            return "published TensorRT plan " + s.chosen().uri() + " adopted into the plan cache as " + dir.getFileName();
        } catch (IOException | RuntimeException e) {
            return "published TensorRT plan " + s.chosen().uri() + " could not be adopted (" + e.getMessage()
                    + "); the runtime builds the engine from the ONNX";
        }
    }
}
