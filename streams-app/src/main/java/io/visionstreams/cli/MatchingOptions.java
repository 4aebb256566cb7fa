package io.visionstreams.cli;

import java.io.IOException;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.models.matching.Geometry;
import io.visionstreams.models.matching.KeypointDetector;
import io.visionstreams.models.matching.MatchOptions;
import io.visionstreams.models.matching.PatchMatcher;
import picocli.CommandLine.Option;

/** Options shared by {@code match} and {@code match-bench}. */
public final class MatchingOptions {

    @Option(names = "--max-keypoints", defaultValue = "1000", description = "Keypoints kept per image (default: ${DEFAULT-VALUE}).")
    int maxKeypoints;

    @Option(names = "--detector", defaultValue = "orb", description = "Keypoints for the patch models: fast, orb or mser (default: ${DEFAULT-VALUE}).")
    String detector;

    @Option(names = "--ratio", defaultValue = "0.9",
            description = "Lowe ratio test, nearest / second-nearest distance; 1 disables it (default: ${DEFAULT-VALUE}).")
    double ratio;

    @Option(names = "--rescore", description = "Re-score mutual matches with the 2-channel model and drop those below --rescore-threshold.")
    boolean rescore;

    @Option(names = "--rescore-threshold", defaultValue = "0", description = "Least 2-channel score kept (default: ${DEFAULT-VALUE}).")
    double rescoreThreshold;

    @Option(names = "--geometry", defaultValue = "none", description = "RANSAC model: homography, fundamental or none (default: ${DEFAULT-VALUE}).")
    String geometry;

    @Option(names = "--ransac-threshold", defaultValue = "3", description = "RANSAC inlier threshold in pixels (default: ${DEFAULT-VALUE}).")
    double ransacThreshold;

    @Option(names = "--support", defaultValue = "2.0",
            description = "Patch side in source pixels per unit of keypoint size (default: ${DEFAULT-VALUE}).")
    double support;

    @Option(names = "--model", defaultValue = PatchMatcher.DEFAULT_DESCRIPTOR_MODEL,
            description = "Descriptor model: bundled name/version or a directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--pair-model", defaultValue = PatchMatcher.DEFAULT_PAIR_MODEL,
            description = "2-channel model for --rescore (default: ${DEFAULT-VALUE}).")
    String pairModel;

    @Option(names = "--runtime", defaultValue = "auto", description = "auto, cpu or tensorrt (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--intra-op-threads", defaultValue = "0", description = "ONNX Runtime threads; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int intraOpThreads;

    @Option(names = "--tolerance", defaultValue = "5", description = "A match is correct within this many pixels of H·a (default: ${DEFAULT-VALUE}).")
    double tolerance;

    MatchOptions options() {
        return MatchOptions.defaults()
                .withDetector(KeypointDetector.Kind.parse(detector))
                .withMaxKeypoints(maxKeypoints)
                .withRatio(ratio)
                .withRescore(rescore, rescoreThreshold)
                .withGeometry(Geometry.Kind.parse(geometry), ransacThreshold)
                .withSupportMultiple(support);
    }

    PatchMatcher openMatcher(boolean withPairModel) throws IOException, InferenceException {
        return PatchMatcher.open(model, withPairModel ? pairModel : null, runtime, intraOpThreads);
    }
}
