package io.visionstreams.cli;

import java.time.Duration;

import io.visionstreams.inference.InferenceRuntimes;
import io.visionstreams.inference.Precision;
import io.visionstreams.lifecycle.DetectorDeployment;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.detection.DetectionOptions;
import picocli.CommandLine.Option;

/** Options shared by every command that serves a model. */
public final class ServingOptions {

    @Option(names = "--model", defaultValue = ModelZoo.DEFAULT_DETECTOR,
            description = "Detector: bundled name/version, or a directory with model.json (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--runtime", defaultValue = "auto",
            description = "Inference runtime: auto, cpu (ONNX Runtime) or tensorrt (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--precision", defaultValue = "fp32",
            description = "fp32, or fp16: on TensorRT build the engine from the model's FP16 ONNX (a release's onnx-fp16, "
                    + "a model directory's model.fp16.onnx; a release without one is rejected). ONNX Runtime on the CPU "
                    + "always serves FP32 (default: ${DEFAULT-VALUE}).")
    String precision;

    private Precision effectivePrecision;

    @Option(names = "--intra-op-threads", defaultValue = "0",
            description = "ONNX Runtime threads per operator; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int intraOpThreads;

    @Option(names = "--max-batch", defaultValue = "8", description = "Dynamic batching: most frames per run (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-delay-ms", defaultValue = "5",
            description = "Dynamic batching: longest a frame waits for a batch to fill (default: ${DEFAULT-VALUE}).")
    long maxDelayMs;

    @Option(names = "--score-threshold", defaultValue = "0.25", description = "Minimum score (default: ${DEFAULT-VALUE}).")
    float scoreThreshold;

    @Option(names = "--iou-threshold", defaultValue = "0.5", description = "Class-wise NMS IoU (default: ${DEFAULT-VALUE}).")
    float iouThreshold;

    @Option(names = "--max-detections", defaultValue = "100", description = "Most detections per frame (default: ${DEFAULT-VALUE}).")
    int maxDetections;

    @Option(names = "--explain", description = "Attach to every frame, per detected class, its class activation map "
            + "(8-bit PNG aligned to the frame) and the weakly supervised box; records can still opt in or out with "
            + "the 'explain' header or metadata key (default: off).")
    boolean explain;

    /** The precision this instance serves at: fp16 only on TensorRT (decided, and a fallback logged, once). */
    Precision precision() {
        if (effectivePrecision == null) {
            effectivePrecision = InferenceRuntimes.effectivePrecision(runtime, Precision.parse(precision));
        }
        return effectivePrecision;
    }

    DetectorDeployment.Settings settings() {
        return DetectorDeployment.Settings.defaults()
                .withModel(model)
                .withRuntime(runtime)
                .withPrecision(precision())
                .withBatching(maxBatch, Duration.ofMillis(maxDelayMs))
                .withDetection(new DetectionOptions(scoreThreshold, iouThreshold, maxDetections, explain))
                .withIntraOpThreads(intraOpThreads);
    }
}
