package io.visionstreams.models.stereo;

/**
 * How to match one pair.
 *
 * @param maxDisparity  disparities 0..maxDisparity−1 are searched (at full resolution)
 * @param paths         SGM paths, 4 or 8
 * @param p1            SGM penalty for a ±1 disparity change, in cost units (1 − cos, range [0, 2])
 * @param p2            SGM penalty for larger jumps (at most {@link CostVolume#MAX}/{@link CostVolume#SCALE})
 * @param contrastSensitive divide P2 by 1 + |ΔI|/contrastScale along each path (cheaper jumps at edges)
 * @param contrastScale gray-level difference that halves P2
 * @param scale         process at this fraction of the input size (≤ 1), then upsample the result
 * @param leftRightCheck mark pixels whose left and right disparities disagree as invalid
 * @param lrTolerance   allowed left/right disagreement in pixels (at the processing scale)
 * @param speckleSize   regions of fewer pixels than this (at the input size) are invalidated; 0 = off
 * @param speckleRange  disparity step in pixels (at the input size) that still joins two neighbours
 * @param threads       threads for cost volume, aggregation and selection
 */
public record StereoOptions(int maxDisparity, int paths, float p1, float p2, boolean contrastSensitive,
                            float contrastScale, double scale, boolean leftRightCheck, float lrTolerance,
                            int speckleSize, float speckleRange, int threads) {

    public StereoOptions {
        if (maxDisparity < 1) {
            throw new IllegalArgumentException("max disparity must be >= 1, got " + maxDisparity);
        }
        if (paths != 4 && paths != 8) {
            throw new IllegalArgumentException("paths must be 4 or 8, got " + paths);
        }
        if (!(scale > 0) || scale > 1) {
            throw new IllegalArgumentException("scale must be in (0, 1], got " + scale);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (!(lrTolerance >= 0)) {
            throw new IllegalArgumentException("left-right tolerance must be >= 0, got " + lrTolerance);
        }
        if (speckleSize < 0 || !(speckleRange >= 0)) {
            throw new IllegalArgumentException("speckle size and range must be >= 0, got " + speckleSize + ", "
                    + speckleRange);
        }
        new SemiGlobalMatching.Params(paths, p1, p2, contrastSensitive, contrastScale); // validates the penalties
    }

    /** Default processing scale: half size (see the README's stereo section for the measurements). */
    public static final double DEFAULT_SCALE = 0.5;
    /** Tuned defaults (README, "Dense stereo"): penalties in cost units, speckle limits at the input size. */
    public static final float DEFAULT_P1 = 0.4f;
    public static final float DEFAULT_P2 = 1.0f;
    public static final float DEFAULT_CONTRAST_SCALE = 16f;
    public static final float DEFAULT_LR_TOLERANCE = 1f;
    public static final int DEFAULT_SPECKLE_SIZE = 200;
    public static final float DEFAULT_SPECKLE_RANGE = 2f;

    /**
     * Defaults chosen on a tuning set rendered from the training images ({@code generate stereo --split
     * train --seed 11}), never on the held-out pairs; see the README's stereo section.
     */
    public static StereoOptions defaults(int maxDisparity) {
        return new StereoOptions(maxDisparity, 4, DEFAULT_P1, DEFAULT_P2, true, DEFAULT_CONTRAST_SCALE, DEFAULT_SCALE, true,
                DEFAULT_LR_TOLERANCE, DEFAULT_SPECKLE_SIZE, DEFAULT_SPECKLE_RANGE,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public StereoOptions withPaths(int p) {
        return new StereoOptions(maxDisparity, p, p1, p2, contrastSensitive, contrastScale, scale, leftRightCheck,
                lrTolerance, speckleSize, speckleRange, threads);
    }

    public StereoOptions withPenalties(float newP1, float newP2) {
        return new StereoOptions(maxDisparity, paths, newP1, newP2, contrastSensitive, contrastScale, scale,
                leftRightCheck, lrTolerance, speckleSize, speckleRange, threads);
    }

    public StereoOptions withContrast(boolean on, float s) {
        return new StereoOptions(maxDisparity, paths, p1, p2, on, s, scale, leftRightCheck, lrTolerance, speckleSize,
                speckleRange, threads);
    }

    public StereoOptions withScale(double s) {
        return new StereoOptions(maxDisparity, paths, p1, p2, contrastSensitive, contrastScale, s, leftRightCheck,
                lrTolerance, speckleSize, speckleRange, threads);
    }

    public StereoOptions withLeftRightCheck(boolean on) {
        return new StereoOptions(maxDisparity, paths, p1, p2, contrastSensitive, contrastScale, scale, on, lrTolerance,
                speckleSize, speckleRange, threads);
    }

    public StereoOptions withLrTolerance(float t) {
        return new StereoOptions(maxDisparity, paths, p1, p2, contrastSensitive, contrastScale, scale, leftRightCheck,
                t, speckleSize, speckleRange, threads);
    }

    public StereoOptions withSpeckle(int size, float range) {
        return new StereoOptions(maxDisparity, paths, p1, p2, contrastSensitive, contrastScale, scale, leftRightCheck,
                lrTolerance, size, range, threads);
    }

    public StereoOptions withThreads(int t) {
        return new StereoOptions(maxDisparity, paths, p1, p2, contrastSensitive, contrastScale, scale, leftRightCheck,
                lrTolerance, speckleSize, speckleRange, t);
    }

    SemiGlobalMatching.Params sgm() {
        return new SemiGlobalMatching.Params(paths, p1, p2, contrastSensitive, contrastScale);
    }
}
