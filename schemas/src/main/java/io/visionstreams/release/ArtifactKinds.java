package io.visionstreams.release;

import java.util.Map;
import java.util.Set;

/** The values of {@code ModelArtifact.kind}. */
public final class ArtifactKinds {

    public static final String ONNX = "onnx";
    public static final String ONNX_FP16 = "onnx-fp16";
    public static final String TENSORRT_PLAN = "tensorrt-plan";
    public static final String MODEL_CARD = "model-card";
    /** model.json ({@code io.visionstreams.schema.ModelDescriptor}). */
    public static final String DESCRIPTOR = "descriptor";
    /** {@link GoldenTensors} file: the inputs the golden output was computed from. */
    public static final String GOLDEN_INPUT = "golden-input";
    /** {@link GoldenTensors} file: what the published model gave for the golden input on ONNX Runtime CPU. */
    public static final String GOLDEN_OUTPUT = "golden-output";

    public static final Set<String> ALL = Set.of(ONNX, ONNX_FP16, TENSORRT_PLAN, MODEL_CARD, DESCRIPTOR,
            GOLDEN_INPUT, GOLDEN_OUTPUT);

    /**
     * Tag names of a {@link #TENSORRT_PLAN} artifact. Required: the GPU name as the TensorRT probe reports it,
     * compute capability "major.minor", TensorRT version ("11.2", "11.2.1" or the library code "110201").
     */
    public static final String TAG_GPU = "gpu";
    public static final String TAG_COMPUTE_CAPABILITY = "computeCapability";
    public static final String TAG_TENSORRT_VERSION = "tensorrtVersion";
    /** Optional plan tag: SHA-256 of the ONNX the plan was built from. */
    public static final String TAG_ONNX_SHA256 = "onnxSha256";
    /** Optional plan tag: the dynamic-batch optimisation profile, "min/opt/max". */
    public static final String TAG_PROFILE = "profile";
    /** Optional plan tag: fp32 or fp16, for the plan cache's manifest. */
    public static final String TAG_PRECISION = "precision";

    /** The one plan-tag vocabulary: each tag by its short alias ({@code publish --plan-tags gpu=..,cc=..,trt=..}). */
    public static final Map<String, String> PLAN_TAG_ALIASES = Map.of("gpu", TAG_GPU, "cc", TAG_COMPUTE_CAPABILITY,
            "trt", TAG_TENSORRT_VERSION, "onnx", TAG_ONNX_SHA256, "profile", TAG_PROFILE, "precision", TAG_PRECISION);

    /** A plan tag given by its name or short alias, as its name; null for a tag that does not exist. */
    public static String planTag(String nameOrAlias) {
        String k = nameOrAlias.trim();
        if (PLAN_TAG_ALIASES.containsKey(k)) {
            return PLAN_TAG_ALIASES.get(k);
        }
        return PLAN_TAG_ALIASES.containsValue(k) ? k : null;
    }

    /** Why a plan tag's value is malformed, or null when it is fine (unknown tags are for {@link #planTag}). */
    public static String planTagProblem(String tag, String value) {
        String v = value == null ? "" : value.trim();
        String pattern = switch (tag) {
            case TAG_GPU -> ".*\\S.*";
            case TAG_COMPUTE_CAPABILITY -> "\\d+\\.\\d+";
            case TAG_TENSORRT_VERSION -> "\\d+(\\.\\d+){0,2}";
            case TAG_ONNX_SHA256 -> "[0-9a-fA-F]{64}";
            case TAG_PROFILE -> "\\d+/\\d+/\\d+";
            case TAG_PRECISION -> "(?i)fp32|fp16";
            default -> null;
        };
        if (pattern == null) {
            return "unknown plan tag '" + tag + "' (tags: " + new java.util.TreeSet<>(PLAN_TAG_ALIASES.values()) + ")";
        }
        return v.matches(pattern) ? null : "plan tag " + tag + "='" + value + "' is malformed";
    }

    private ArtifactKinds() {
    }
}
