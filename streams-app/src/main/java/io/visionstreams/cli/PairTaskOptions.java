package io.visionstreams.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceRuntimes;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.matching.ClassicalMatcher;
import io.visionstreams.models.matching.Geometry;
import io.visionstreams.models.matching.MatchOptions;
import io.visionstreams.models.matching.PatchMatcher;
import io.visionstreams.models.stereo.StereoMatcher;
import io.visionstreams.models.stereo.StereoOptions;
import io.visionstreams.ops.Topics;
import io.visionstreams.topology.DisparityEstimator;
import io.visionstreams.topology.PairMatcher;
import io.visionstreams.topology.PatchMatchTopology;
import io.visionstreams.topology.PairMatchers;
import io.visionstreams.topology.StereoTopology;
import io.visionstreams.topology.classical.SgbmDisparityEstimator;
import io.visionstreams.topology.cnn.CnnDisparityEstimator;
import picocli.CommandLine.Option;

/** Options of the stereo and matching tasks (topics, pairing, method); shared by {@code run} and {@code demo}. */
public final class PairTaskOptions {

    @Option(names = "--stereo-pairs-topic", defaultValue = Topics.STEREO_PAIRS) String stereoPairsTopic;
    @Option(names = "--stereo-left-topic", defaultValue = Topics.STEREO_LEFT) String stereoLeftTopic;
    @Option(names = "--stereo-right-topic", defaultValue = Topics.STEREO_RIGHT) String stereoRightTopic;
    @Option(names = "--disparity-topic", defaultValue = Topics.DISPARITY) String disparityTopic;
    @Option(names = "--image-pairs-topic", defaultValue = Topics.IMAGE_PAIRS) String imagePairsTopic;
    @Option(names = "--patch-matches-topic", defaultValue = Topics.PATCH_MATCHES) String patchMatchesTopic;

    @Option(names = "--stereo-method", defaultValue = "cnn",
            description = "Dense stereo: cnn (the stereo-cost model's features + SGM) or sgbm (OpenCV StereoSGBM) "
                    + "(default: ${DEFAULT-VALUE}).")
    String stereoMethod;

    @Option(names = "--stereo-model", defaultValue = StereoMatcher.DEFAULT_MODEL,
            description = "Stereo feature model for --stereo-method cnn: bundled name/version or a folder (default: ${DEFAULT-VALUE}).")
    String stereoModel;

    @Option(names = "--max-disparity", defaultValue = "64", description = "Disparities searched, 1..256 (default: ${DEFAULT-VALUE}).")
    int maxDisparity;

    @Option(names = "--pair-window-ms", defaultValue = "2000",
            description = "Largest timestamp gap between a left and a right half that still pair (default: ${DEFAULT-VALUE}).")
    long pairWindowMs;

    @Option(names = "--assume-rectified",
            description = "Producers guarantee rectified pairs: do not refuse pairs without calibration or with rectified=false.")
    boolean assumeRectified;

    @Option(names = "--no-stereo-halves",
            description = "Read only the stereo pairs topic, not the left/right frame topics.")
    boolean noHalves;

    @Option(names = "--match-method", defaultValue = "cnn", description = "Matching, as the match command: cnn "
            + "(patch-siam-l2/1 descriptors on ORB keypoints), orb or sift (OpenCV descriptors); all use mutual nearest "
            + "neighbours with a ratio test (default: ${DEFAULT-VALUE}).")
    String matchMethod;

    @Option(names = "--match-geometry", defaultValue = "HOMOGRAPHY",
            description = "Geometry fitted by RANSAC: NONE, HOMOGRAPHY or FUNDAMENTAL (default: ${DEFAULT-VALUE}).")
    Geometry.Kind matchGeometry;

    @Option(names = "--max-features", defaultValue = "1000", description = "Keypoints per image (default: ${DEFAULT-VALUE}).")
    int maxFeatures;

    StereoTopology.Topics stereoTopics(String deadLetterTopic) {
        return new StereoTopology.Topics(stereoPairsTopic, stereoLeftTopic, stereoRightTopic, disparityTopic, deadLetterTopic);
    }

    StereoTopology.Options stereoOptions() {
        return StereoTopology.Options.defaults().withMaxDisparity(maxDisparity).withPairWindow(Duration.ofMillis(pairWindowMs))
                .withAssumeRectified(assumeRectified).withPairHalves(!noHalves);
    }

    PatchMatchTopology.Topics matchTopics(String deadLetterTopic) {
        return new PatchMatchTopology.Topics(imagePairsTopic, patchMatchesTopic, deadLetterTopic);
    }

    /** The estimator behind the stereo port. */
    DisparityEstimator estimator(String runtime, int intraOpThreads) throws IOException, InferenceException {
        switch (stereoMethod.toLowerCase(Locale.ROOT)) {
            case "sgbm":
                return new SgbmDisparityEstimator();
            case "cnn":
                LoadedModel m = ModelZoo.resolve(stereoModel);
                InferenceRuntime rt = InferenceRuntimes.select(runtime, intraOpThreads);
                try {
                    return new CnnDisparityEstimator(rt.open(m.source()), m.descriptor(), StereoOptions::defaults, rt);
                } catch (InferenceException | RuntimeException e) {
                    rt.close();
                    throw e;
                }
            default:
                throw new IllegalArgumentException("unknown --stereo-method '" + stereoMethod + "' (available: cnn, sgbm)");
        }
    }

    /** The matcher behind the matching port. */
    PairMatcher matcher(String runtime, int intraOpThreads) throws IOException, InferenceException {
        MatchOptions options = MatchOptions.defaults().withMaxKeypoints(maxFeatures).withGeometry(matchGeometry, 3.0);
        String m = matchMethod.toLowerCase(Locale.ROOT);
        if (m.equals("cnn")) {
            return PairMatchers.cnn(PatchMatcher.open(PatchMatcher.DEFAULT_DESCRIPTOR_MODEL, null, runtime, intraOpThreads),
                    options);
        }
        if (m.equals("orb") || m.equals("sift")) {
            return PairMatchers.classical(ClassicalMatcher.Kind.parse(m), options);
        }
        throw new IllegalArgumentException("unknown --match-method '" + matchMethod + "' (available: cnn, orb, sift)");
    }
}
