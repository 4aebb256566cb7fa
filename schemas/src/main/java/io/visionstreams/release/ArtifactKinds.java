package io.visionstreams.release;

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

    /** Tag names of a {@link #TENSORRT_PLAN} artifact. */
    public static final String TAG_GPU = "gpu";
    public static final String TAG_COMPUTE_CAPABILITY = "computeCapability";
    public static final String TAG_TENSORRT_VERSION = "tensorrtVersion";

    private ArtifactKinds() {
    }
}
