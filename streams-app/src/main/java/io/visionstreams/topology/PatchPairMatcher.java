package io.visionstreams.topology;

import java.util.ArrayList;
import java.util.List;

import io.visionstreams.imaging.Image;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.models.matching.MatchOptions;
import io.visionstreams.models.matching.MatchResult;
import io.visionstreams.models.matching.PatchMatcher;
import io.visionstreams.schema.GeometryKind;

/**
 * The CNN patch matcher behind the topology's matching port ({@code --match-method cnn}): the same
 * {@link PatchMatcher} as the {@code match} command, its result mapped to {@link PairMatcher.Result}
 * (pre = keypoints + patches, compute = descriptors + matching + re-scoring, post = RANSAC).
 */
public final class PatchPairMatcher implements PairMatcher {

    private final PatchMatcher matcher;
    private final MatchOptions options;

    /** Takes ownership of the matcher (closed with this). */
    public PatchPairMatcher(PatchMatcher matcher, MatchOptions options) {
        this.matcher = matcher;
        this.options = options;
    }

    @Override
    public Result match(Image a, Image b) {
        MatchResult r;
        try {
            r = matcher.match(a, b, options);
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
    public DisparityEstimator.Identity identity() {
        return new DisparityEstimator.Identity(matcher.modelName(), matcher.modelVersion(), matcher.runtimeName());
    }

    @Override
    public void close() {
        matcher.close();
    }

    private static long micros(double ms) {
        return Math.round(ms * 1000);
    }
}
