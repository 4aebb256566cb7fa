package io.visionstreams.models.data;

import java.util.Random;

/** 3×3 projective transforms as row-major double[9], acting on pixel-centre coordinates (x, y). */
public final class Homography {

    private Homography() {
    }

    public static double[] identity() {
        return new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
    }

    public static double[] translation(double tx, double ty) {
        return new double[] {1, 0, tx, 0, 1, ty, 0, 0, 1};
    }

    public static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int r = 0; r < 3; r++) {
            for (int k = 0; k < 3; k++) {
                double s = 0;
                for (int j = 0; j < 3; j++) {
                    s += a[r * 3 + j] * b[j * 3 + k];
                }
                c[r * 3 + k] = s;
            }
        }
        return c;
    }

    /** Maps (x, y) and writes the result into out[0..1]. */
    public static void apply(double[] h, double x, double y, double[] out) {
        double w = h[6] * x + h[7] * y + h[8];
        out[0] = (h[0] * x + h[1] * y + h[2]) / w;
        out[1] = (h[3] * x + h[4] * y + h[5]) / w;
    }

    public static double[] apply(double[] h, double x, double y) {
        double[] o = new double[2];
        apply(h, x, y, o);
        return o;
    }

    public static double[] inverse(double[] m) {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
        double det = a * A + b * B + c * C;
        if (Math.abs(det) < 1e-15) {
            throw new IllegalArgumentException("singular homography");
        }
        double[] r = {A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d};
        for (int k = 0; k < 9; k++) {
            r[k] /= det;
        }
        return r;
    }

    /**
     * Strength of a random local warp: scale range (log-uniform), rotation, shear, projective terms
     * (per pixel of distance from the centre) and shift, all uniform in ±max.
     */
    public record WarpRange(double minScale, double maxScale, double maxRotationDeg, double maxShear,
                            double maxPerspective, double maxShift) {
    }

    /**
     * A random homography about (px, py): H = T(p + t) · [[A, 0], [v, 1]] · T(−p) with
     * A = R(θ) · [[s·α, s·k], [0, s/α]] (aspect α within e^±0.1). The one definition behind the patch-pair
     * generator's positives and the held-out image pairs, so both see the same family of warps. Draws
     * θ, s, k, α, v0, v1, tx, ty from rng in that order.
     */
    public static double[] randomAbout(Random rng, WarpRange r, double px, double py) {
        double theta = Math.toRadians((rng.nextDouble() * 2 - 1) * r.maxRotationDeg());
        double scale = Math.exp(Math.log(r.minScale()) + rng.nextDouble() * Math.log(r.maxScale() / r.minScale()));
        double shear = (rng.nextDouble() * 2 - 1) * r.maxShear();
        double aspect = Math.exp((rng.nextDouble() * 2 - 1) * 0.1);
        double cos = Math.cos(theta), sin = Math.sin(theta);
        double u00 = scale * aspect, u01 = scale * shear, u11 = scale / aspect;
        double a00 = cos * u00, a01 = cos * u01 - sin * u11, a10 = sin * u00, a11 = sin * u01 + cos * u11;
        double v0 = (rng.nextDouble() * 2 - 1) * r.maxPerspective();
        double v1 = (rng.nextDouble() * 2 - 1) * r.maxPerspective();
        double tx = (rng.nextDouble() * 2 - 1) * r.maxShift(), ty = (rng.nextDouble() * 2 - 1) * r.maxShift();
        double[] local = {a00, a01, 0, a10, a11, 0, v0, v1, 1};
        return multiply(translation(px + tx, py + ty), multiply(local, translation(-px, -py)));
    }
}
