package io.visionstreams.models.detection;

import java.util.List;

import io.visionstreams.imaging.ScoredBox;

/** Detections of one frame in original-frame pixels, with where the time went (microseconds). */
public record DetectionResult(List<ScoredBox> boxes, int imageWidth, int imageHeight, String modelName,
                              String modelVersion, String runtimeName, long preMicros, long queueMicros,
                              long inferMicros, long postMicros, int batchSize) {
}
