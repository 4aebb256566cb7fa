package io.visionstreams.models.detection;

/** Post-processing thresholds, per deployment. */
public record DetectionOptions(float scoreThreshold, float iouThreshold, int maxDetections) {

    public static DetectionOptions defaults() {
        return new DetectionOptions(0.25f, 0.5f, 100);
    }

    public DetectionOptions {
        if (scoreThreshold < 0 || scoreThreshold > 1 || iouThreshold <= 0 || iouThreshold > 1 || maxDetections < 1) {
            throw new IllegalArgumentException("need 0<=score<=1, 0<iou<=1, maxDetections>=1; got " + scoreThreshold
                    + ", " + iouThreshold + ", " + maxDetections);
        }
    }
}
