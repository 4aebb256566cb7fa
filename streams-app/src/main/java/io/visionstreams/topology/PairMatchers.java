package io.visionstreams.topology;

import java.util.ArrayList;
import java.util.List;

import io.visionstreams.imaging.Image;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.models.matching.ClassicalMatcher;
import io.visionstreams.models.matching.MatchOptions;
import io.visionstreams.models.matching.MatchResult;
import io.visionstreams.models.matching.PatchMatcher;
import io.visionstreams.schema.GeometryKind;

/**
 * The matchers of the {@code match} command behind the topology's matching port: {@code --match-method cnn}
 * ({@link PatchMatcher}, siamese -l2 descriptors) and {@code orb} / {@code sift} ({@link ClassicalMatcher}, the
 * same keypoint cap, mutual nearest neighbours, ratio test and RANSAC as the benchmark), so the stream and the
 * benchmark never mean different things by a method. Timings map to pre = keypoints + patches, compute =
 * descriptors + matching + re-scoring, post = geometry.
 */
public final class PairMatchers {

    private PairMatchers() {
    }

    /** Takes ownership of {@code matcher} (closed with the returned port). */
    public static PairMatcher cnn(PatchMatcher matcher, MatchOptions options) {
        return new Adapter(new DisparityEstimator.Identity(matcher.modelName(), matcher.modelVersion(),
                matcher.runtimeName()), (a, b) -> matcher.match(a, b, options), matcher);
    }

    public static PairMatcher classical(ClassicalMatcher.Kind kind, MatchOptions options) {
        return new Adapter(new DisparityEstimator.Identity("opencv-" + kind.name().toLowerCase(java.util.Locale.ROOT),
                ClassicalMatcher.openCvVersion(), "opencv-cpu"), (a, b) -> ClassicalMatcher.match(kind, a, b, options), null);
    }

    @FunctionalInterface
    private interface Matching {
        MatchResult match(Image a, Image b) throws InferenceException;
    }

    private record Adapter(DisparityEstimator.Identity identity, Matching matching, AutoCloseable owned)
            implements PairMatcher {

        @Override
        public Result match(Image a, Image b) {
            MatchResult r;
            try {
                r = matching.match(a, b);
            } catch (InferenceException e) {
                throw new IllegalStateException("patch matching failed: " + e.getMessage(), e);
            }
            List<Match> out = new ArrayList<>(r.matches().size());
            for (MatchResult.PointMatch m : r.matches()) {
                out.add(new Match(m.ax(), m.ay(), m.bx(), m.by(), m.score(), m.inlier()));
            }
            MatchResult.Timings t = r.timings();
            GeometryKind kind = r.geometry() == null ? null : GeometryKind.valueOf(r.geometry().kind().name());
            double[] matrix = r.geometry() == null ? null : r.geometry().matrix();
            return new Result(out, kind, matrix, micros(t.detectMs() + t.patchMs()),
                    micros(t.describeMs() + t.matchMs() + t.rescoreMs()), micros(t.geometryMs()));
        }

        @Override
        public void close() {
            if (owned != null) {
                try {
                    owned.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing the matcher failed", e);
                }
            }
        }

        private static long micros(double ms) {
            return Math.round(ms * 1000);
        }
    }
}
