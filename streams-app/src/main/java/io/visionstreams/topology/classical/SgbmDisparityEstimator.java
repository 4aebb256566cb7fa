package io.visionstreams.topology.classical;

import io.visionstreams.imaging.Image;
import io.visionstreams.models.stereo.SgbmBaseline;
import io.visionstreams.models.stereo.StereoMatcher;
import io.visionstreams.topology.DisparityEstimator;

/**
 * OpenCV's semi-global block matching behind the stereo port ({@code --stereo-method sgbm}): the same
 * {@link SgbmBaseline} settings the {@code stereo --baseline sgbm} command and {@code stereo-bench} compare
 * against, so a deployment and a benchmark never mean different things by "SGBM". No confidence map: SGBM
 * has none, and inventing one would mislead.
 */
public final class SgbmDisparityEstimator implements DisparityEstimator {

    public static final String NAME = "opencv-sgbm";

    @Override
    public Identity identity() {
        return new Identity(NAME, io.visionstreams.models.matching.ClassicalMatcher.openCvVersion(), "opencv-cpu");
    }

    @Override
    public Estimate estimate(Image left, Image right, int maxDisparity) {
        if (left.width() != right.width() || left.height() != right.height()) {
            throw new IllegalArgumentException("left " + left + " and right " + right + " differ in size");
        }
        if (maxDisparity < 1) {
            throw new IllegalArgumentException("max disparity must be positive, got " + maxDisparity);
        }
        long t0 = System.nanoTime();
        byte[] l = StereoMatcher.gray(left);
        byte[] r = StereoMatcher.gray(right);
        long t1 = System.nanoTime();
        // one OpenCV thread per call: stream threads already run pairs in parallel
        float[] disparity = SgbmBaseline.match(l, r, left.width(), left.height(), maxDisparity, 1);
        long t2 = System.nanoTime();
        for (int i = 0; i < disparity.length; i++) {
            if (disparity[i] >= maxDisparity) {
                disparity[i] = Float.NaN; // SGBM searches a multiple of 16; keep the promised range
            }
        }
        long t3 = System.nanoTime();
        return new Estimate(left.width(), left.height(), disparity, null, (t1 - t0) / 1000, (t2 - t1) / 1000,
                (t3 - t2) / 1000);
    }
}
