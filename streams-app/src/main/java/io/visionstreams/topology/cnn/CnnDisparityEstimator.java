package io.visionstreams.topology.cnn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

import io.visionstreams.imaging.Image;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.models.stereo.StereoMatcher;
import io.visionstreams.models.stereo.StereoOptions;
import io.visionstreams.models.stereo.StereoResult;
import io.visionstreams.schema.ModelDescriptor;
import io.visionstreams.topology.DisparityEstimator;

/**
 * The CNN stereo matcher ({@link StereoMatcher}: siamese features, cost volume, SGM, left-right check) behind
 * the stereo port ({@code --stereo-method cnn}). One model session is shared; a matcher per max disparity is
 * made on first use because the options fix the disparity range.
 */
public final class CnnDisparityEstimator implements DisparityEstimator {

    private final InferenceSession session;
    private final ModelDescriptor descriptor;
    private final IntFunction<StereoOptions> optionsForRange;
    private final AutoCloseable owner;
    private final Map<Integer, StereoMatcher> byRange = new ConcurrentHashMap<>();

    /**
     * @param optionsForRange matcher settings for a max disparity, e.g. {@code StereoOptions::defaults}
     * @param owner closed with this estimator (the runtime that made {@code session}), or null
     */
    public CnnDisparityEstimator(InferenceSession session, ModelDescriptor descriptor, IntFunction<StereoOptions> optionsForRange,
                                 AutoCloseable owner) {
        this.session = session;
        this.descriptor = descriptor;
        this.optionsForRange = optionsForRange;
        this.owner = owner;
    }

    @Override
    public Identity identity() {
        return new Identity(session.modelName(), session.modelVersion(), session.runtimeName());
    }

    @Override
    public Estimate estimate(Image left, Image right, int maxDisparity) {
        StereoMatcher matcher = byRange.computeIfAbsent(maxDisparity,
                d -> new StereoMatcher(session, descriptor, optionsForRange.apply(d)));
        StereoResult r;
        try {
            r = matcher.match(left, right);
        } catch (InferenceException e) {
            throw new IllegalStateException("stereo features failed: " + e.getMessage(), e);
        }
        float[] confidence = new float[r.confidence().length];
        for (int i = 0; i < confidence.length; i++) {
            confidence[i] = (r.confidence()[i] & 0xFF) / 255f;
        }
        StereoResult.Timings t = r.timings();
        return new Estimate(r.width(), r.height(), r.disparity(), confidence, micros(t.features() + t.resize()),
                micros(t.costVolume() + t.aggregation()), micros(t.selection()));
    }

    private static long micros(double ms) {
        return Math.round(ms * 1000);
    }

    @Override
    public void close() {
        byRange.values().forEach(StereoMatcher::close);
        session.close();
        if (owner != null) {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the stereo runtime failed", e);
            }
        }
    }
}
