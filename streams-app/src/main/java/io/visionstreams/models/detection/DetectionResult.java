package io.visionstreams.models.detection;

import java.util.List;
import java.util.Map;

import io.visionstreams.imaging.ScoredBox;

/**
 * Detections of one frame in original-frame pixels, with where the time went (microseconds).
 *
 * @param explanations per detected class id, its CAM explanation; empty unless explanations were
 *                     requested and the model has a CAM output
 */
public record DetectionResult(List<ScoredBox> boxes, int imageWidth, int imageHeight, String modelName,
                              String modelVersion, String runtimeName, long preMicros, long queueMicros,
                              long inferMicros, long postMicros, int batchSize, Map<Integer, CamExplanation> explanations) {

    public DetectionResult {
        explanations = Map.copyOf(explanations);
    }
}
