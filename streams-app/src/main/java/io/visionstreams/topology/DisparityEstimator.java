package io.visionstreams.topology;

import io.visionstreams.imaging.Image;

/**
 * The dense-stereo port of {@link StereoTopology}: a rectified pair in, the left view's disparity out.
 * Kept minimal on purpose so that any matcher (OpenCV SGBM today, the CNN matcher later) fits behind
 * it with a small adapter. Implementations must be safe to call from several stream threads at once.
 */
public interface DisparityEstimator extends AutoCloseable {

    /**
     * @param left         left image (reference view), same size as {@code right}
     * @param right        right image
     * @param maxDisparity disparities 0..maxDisparity-1 are searched
     * @throws RuntimeException when the estimator fails; the record is then dead-lettered
     */
    Estimate estimate(Image left, Image right, int maxDisparity);

    /** Name, version and runtime written into every DisparityMap's ModelRef. */
    Identity identity();

    @Override
    default void close() {
    }

    /** Who computed a result. */
    record Identity(String name, String version, String runtime) {
    }

    /**
     * One result, row-major, {@code width*height} values.
     *
     * @param disparity     pixels; a value is valid when finite and &gt; 0 (0 is KITTI's "invalid")
     * @param confidence    0..1 per pixel, or null when the estimator has no confidence measure
     * @param preMicros     preparation (colour conversion, features)
     * @param computeMicros the matching itself
     * @param postMicros    refinement, checks, conversion
     */
    record Estimate(int width, int height, float[] disparity, float[] confidence, long preMicros,
                    long computeMicros, long postMicros) {
        public Estimate {
            long n = (long) width * height;
            if (disparity == null || disparity.length != n) {
                throw new IllegalArgumentException("disparity must have " + n + " values");
            }
            if (confidence != null && confidence.length != n) {
                throw new IllegalArgumentException("confidence must have " + n + " values or be null");
            }
        }
    }
}
