package io.visionstreams.models.matching;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_calib3d;
import org.bytedeco.opencv.opencv_core.Mat;

/** RANSAC homography or fundamental matrix over point correspondences (OpenCV calib3d), with inlier flags. */
public final class GeometryEstimator {

    /** The geometry, or null when too few points or RANSAC found none; inliers[i] for correspondence i. */
    public record Estimate(Geometry geometry, boolean[] inliers) {
    }

    private static final double CONFIDENCE = 0.995;
    private static final int MAX_ITERS = 2000;

    private GeometryEstimator() {
    }

    /**
     * Fits {@code kind} to the n correspondences (ax[i], ay[i]) → (bx[i], by[i]).
     *
     * @param threshold RANSAC inlier threshold in pixels (reprojection error in B for a homography,
     *                  distance to the epipolar line for a fundamental matrix)
     */
    public static Estimate estimate(Geometry.Kind kind, float[] ax, float[] ay, float[] bx, float[] by, double threshold) {
        int n = ax.length;
        boolean[] inliers = new boolean[n];
        if (kind == Geometry.Kind.NONE) {
            java.util.Arrays.fill(inliers, true);
            return new Estimate(null, inliers);
        }
        int needed = kind == Geometry.Kind.HOMOGRAPHY ? 4 : 8;
        if (n < needed) {
            return new Estimate(null, inliers);
        }
        try (PointerScope scope = new PointerScope()) {
            Mat a = points(ax, ay), b = points(bx, by);
            Mat mask = new Mat();
            Mat m = kind == Geometry.Kind.HOMOGRAPHY
                    ? opencv_calib3d.findHomography(a, b, opencv_calib3d.RANSAC, threshold, mask, MAX_ITERS, CONFIDENCE)
                    : opencv_calib3d.findFundamentalMat(a, b, opencv_calib3d.FM_RANSAC, threshold, CONFIDENCE, MAX_ITERS, mask);
            // findFundamentalMat may stack up to three solutions (7-point); RANSAC gives one 3×3
            if (m == null || m.empty() || m.cols() != 3 || m.rows() < 3 || m.type() != CV_64F || mask.empty()) {
                return new Estimate(null, inliers);
            }
            double[] h = new double[9];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    h[r * 3 + c] = m.ptr(r, c).getDouble();
                }
            }
            ByteBuffer flags = mask.createBuffer();
            for (int i = 0; i < n; i++) {
                inliers[i] = flags.get(i) != 0;
            }
            return new Estimate(new Geometry(kind, h), inliers);
        }
    }

    private static Mat points(float[] x, float[] y) {
        Mat m = new Mat(x.length, 1, CV_32FC2);
        FloatBuffer f = m.createBuffer();
        for (int i = 0; i < x.length; i++) {
            f.put(2 * i, x[i]).put(2 * i + 1, y[i]);
        }
        return m;
    }
}
