package io.visionstreams.models.detection;

/**
 * Post-processing, per deployment.
 *
 * @param explain attach CAM explanations to every frame's detections by default (a record can still
 *                switch it on or off for itself; see {@code DetectionTopology#EXPLAIN_KEY})
 */
public record DetectionOptions(float scoreThreshold, float iouThreshold, int maxDetections, boolean explain) {

    public static DetectionOptions defaults() {
        return new DetectionOptions(0.25f, 0.5f, 100, false);
    }

    /** Thresholds only, explanations off. */
    public DetectionOptions(float scoreThreshold, float iouThreshold, int maxDetections) {
        this(scoreThreshold, iouThreshold, maxDetections, false);
    }

    public DetectionOptions {
        if (scoreThreshold < 0 || scoreThreshold > 1 || iouThreshold <= 0 || iouThreshold > 1 || maxDetections < 1) {
            throw new IllegalArgumentException("need 0<=score<=1, 0<iou<=1, maxDetections>=1; got " + scoreThreshold
                    + ", " + iouThreshold + ", " + maxDetections);
        }
    }

    public DetectionOptions withExplain(boolean on) {
        return new DetectionOptions(scoreThreshold, iouThreshold, maxDetections, on);
    }
}
