package io.visionstreams.models.data;

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
}
