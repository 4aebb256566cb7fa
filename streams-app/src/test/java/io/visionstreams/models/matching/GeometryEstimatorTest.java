package io.visionstreams.models.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class GeometryEstimatorTest {

    private static final double[] H = {1.1, 0.12, 14, -0.08, 0.95, -9, 2e-4, -1e-4, 1};

    @Test
    void ransacRecoversAKnownHomographyDespiteOutliers() {
        Random r = new Random(3);
        int inliers = 80, outliers = 40, n = inliers + outliers;
        float[] ax = new float[n], ay = new float[n], bx = new float[n], by = new float[n];
        double[] p = new double[2];
        for (int i = 0; i < n; i++) {
            ax[i] = 20 + r.nextFloat() * 600;
            ay[i] = 20 + r.nextFloat() * 440;
            HomographyTruth.apply(H, ax[i], ay[i], p);
            if (i < inliers) {
                bx[i] = (float) (p[0] + r.nextGaussian() * 0.3);
                by[i] = (float) (p[1] + r.nextGaussian() * 0.3);
            } else {
                // gross outliers, at least 30 px off
                double ang = r.nextDouble() * 2 * Math.PI, dist = 30 + r.nextDouble() * 200;
                bx[i] = (float) (p[0] + dist * Math.cos(ang));
                by[i] = (float) (p[1] + dist * Math.sin(ang));
            }
        }
        GeometryEstimator.Estimate e = GeometryEstimator.estimate(Geometry.Kind.HOMOGRAPHY, ax, ay, bx, by, 3);
        assertNotNull(e.geometry());
        assertEquals(Geometry.Kind.HOMOGRAPHY, e.geometry().kind());
        double[] est = e.geometry().matrix();
        double[] q = new double[2];
        for (double[] c : new double[][] {{0, 0}, {640, 0}, {0, 480}, {640, 480}, {320, 240}}) {
            HomographyTruth.apply(H, c[0], c[1], p);
            HomographyTruth.apply(est, c[0], c[1], q);
            assertTrue(Math.hypot(p[0] - q[0], p[1] - q[1]) < 1.0, "corner " + c[0] + "," + c[1] + " off by "
                    + Math.hypot(p[0] - q[0], p[1] - q[1]));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i < inliers, e.inliers()[i], "inlier flag of correspondence " + i);
        }
    }

    @Test
    void fundamentalMatrixSatisfiesTheEpipolarConstraintOnInliers() {
        // two views of random 3-D points: B translated and slightly rotated
        Random r = new Random(5);
        int n = 60;
        float[] ax = new float[n], ay = new float[n], bx = new float[n], by = new float[n];
        double f = 500, c = 0.05, s = Math.sin(c), co = Math.cos(c);
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble() * 4 - 2, y = r.nextDouble() * 3 - 1.5, z = 4 + r.nextDouble() * 6;
            ax[i] = (float) (f * x / z + 320);
            ay[i] = (float) (f * y / z + 240);
            double x2 = co * x + s * z - 0.5, z2 = -s * x + co * z;
            bx[i] = (float) (f * x2 / z2 + 320);
            by[i] = (float) (f * y / z2 + 240);
        }
        GeometryEstimator.Estimate e = GeometryEstimator.estimate(Geometry.Kind.FUNDAMENTAL, ax, ay, bx, by, 1);
        assertNotNull(e.geometry());
        double[] F = e.geometry().matrix();
        int flagged = 0;
        for (int i = 0; i < n; i++) {
            double l0 = F[0] * ax[i] + F[1] * ay[i] + F[2], l1 = F[3] * ax[i] + F[4] * ay[i] + F[5],
                    l2 = F[6] * ax[i] + F[7] * ay[i] + F[8];
            double dist = Math.abs(bx[i] * l0 + by[i] * l1 + l2) / Math.hypot(l0, l1);
            assertTrue(dist < 1.0, "epipolar distance " + dist);
            flagged += e.inliers()[i] ? 1 : 0;
        }
        assertTrue(flagged > 0.9 * n, "inliers " + flagged);
    }

    @Test
    void noGeometryWithoutEnoughPointsOrWhenNoneIsAsked() {
        float[] four = {0, 1, 2, 3};
        assertNull(GeometryEstimator.estimate(Geometry.Kind.HOMOGRAPHY, new float[3], new float[3], new float[3],
                new float[3], 3).geometry());
        GeometryEstimator.Estimate none = GeometryEstimator.estimate(Geometry.Kind.NONE, four, four, four, four, 3);
        assertNull(none.geometry());
        for (boolean b : none.inliers()) {
            assertTrue(b);
        }
    }
}
