package io.visionstreams.models.matching;

/**
 * How to match one pair.
 *
 * @param detector          FAST, ORB (default) or MSER keypoints
 * @param maxKeypoints      cap per image
 * @param ratio             Lowe ratio for the nearest over the second-nearest distance (≥ 1 disables)
 * @param rescore           re-score mutual matches with the 2-channel model and drop those below the threshold
 * @param rescoreThreshold  least 2-channel score kept (hinge-trained on ±1, so 0 is the decision boundary)
 * @param geometry          RANSAC model to fit, or NONE
 * @param ransacThreshold   RANSAC inlier threshold in pixels
 * @param supportMultiple   source pixels a patch covers per unit of keypoint size
 */
public record MatchOptions(KeypointDetector.Kind detector, int maxKeypoints, double ratio, boolean rescore,
                           double rescoreThreshold, Geometry.Kind geometry, double ransacThreshold,
                           double supportMultiple) {

    public MatchOptions {
        if (maxKeypoints <= 0) {
            throw new IllegalArgumentException("max keypoints must be positive: " + maxKeypoints);
        }
        if (!(ratio > 0)) {
            throw new IllegalArgumentException("ratio must be positive: " + ratio);
        }
        if (!(supportMultiple > 0)) {
            throw new IllegalArgumentException("support multiple must be positive: " + supportMultiple);
        }
    }

    public static MatchOptions defaults() {
        return new MatchOptions(KeypointDetector.Kind.ORB, 1000, 0.9, false, 0.0, Geometry.Kind.NONE, 3.0, 2.0);
    }

    public MatchOptions withDetector(KeypointDetector.Kind d) {
        return new MatchOptions(d, maxKeypoints, ratio, rescore, rescoreThreshold, geometry, ransacThreshold,
                supportMultiple);
    }

    public MatchOptions withMaxKeypoints(int n) {
        return new MatchOptions(detector, n, ratio, rescore, rescoreThreshold, geometry, ransacThreshold,
                supportMultiple);
    }

    public MatchOptions withRatio(double r) {
        return new MatchOptions(detector, maxKeypoints, r, rescore, rescoreThreshold, geometry, ransacThreshold,
                supportMultiple);
    }

    public MatchOptions withRescore(boolean on, double threshold) {
        return new MatchOptions(detector, maxKeypoints, ratio, on, threshold, geometry, ransacThreshold,
                supportMultiple);
    }

    public MatchOptions withGeometry(Geometry.Kind g, double threshold) {
        return new MatchOptions(detector, maxKeypoints, ratio, rescore, rescoreThreshold, g, threshold,
                supportMultiple);
    }

    public MatchOptions withSupportMultiple(double m) {
        return new MatchOptions(detector, maxKeypoints, ratio, rescore, rescoreThreshold, geometry, ransacThreshold, m);
    }
}
