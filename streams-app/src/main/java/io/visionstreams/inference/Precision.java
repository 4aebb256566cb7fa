package io.visionstreams.inference;

import java.util.Locale;

/**
 * Which ONNX variant an instance serves: the FP32 graph, or the FP16 one a release carries as {@code onnx-fp16}
 * (a model directory as {@code model.fp16.onnx}). TensorRT 11 has no FP16 builder flag, so the precision of an
 * engine is the precision of the ONNX it was built from; choosing FP16 means choosing that file.
 */
public enum Precision {
    FP32, FP16;

    /** "fp32" / "fp16", as in plan tags, plan manifests and the {@code --precision} option. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** fp32 or fp16, case-insensitive; null means fp32. */
    public static Precision parse(String s) {
        if (s == null) {
            return FP32;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "fp32" -> FP32;
            case "fp16" -> FP16;
            default -> throw new IllegalArgumentException("unknown precision '" + s + "': use fp32 or fp16");
        };
    }
}
