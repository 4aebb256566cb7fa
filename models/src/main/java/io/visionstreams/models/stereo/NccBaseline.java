package io.visionstreams.models.stereo;

/**
 * Classical matching cost: 1 − normalised cross-correlation of (2r+1)² windows of raw pixels,
 * NCC = cov(L, R) / (σ_L σ_R) over the window around (x, y) in the left and (x − d, y) in the right.
 * Windows are clipped to the image and to the columns where both views exist (x' ≥ d), so every pixel
 * gets a cost; a window with no variance in either view correlates 0 (cost 1). Window sums come from
 * integral images, so a slice costs O(H·W) whatever the window size.
 */
public final class NccBaseline {

    private NccBaseline() {
    }

    /** left and right: gray values (any scale), row-major w×h. */
    public static CostVolume.Cost cost(float[] left, float[] right, int w, int h, int radius) {
        if (left.length != w * h || right.length != w * h || radius < 0) {
            throw new IllegalArgumentException("bad NCC input");
        }
        int stride = w + 1;
        double[] sN = new double[stride * (h + 1)];
        double[] sL = new double[sN.length];
        double[] sR = new double[sN.length];
        double[] sLL = new double[sN.length];
        double[] sRR = new double[sN.length];
        double[] sLR = new double[sN.length];
        return (d, out) -> {
            // integral images over the overlap region x ≥ d, with the right view shifted by d
            for (int y = 0; y < h; y++) {
                double n = 0, a = 0, b = 0, aa = 0, bb = 0, ab = 0;
                int row = (y + 1) * stride, prev = y * stride;
                for (int x = 0; x < w; x++) {
                    if (x >= d) {
                        double l = left[y * w + x], r = right[y * w + x - d];
                        n += 1;
                        a += l;
                        b += r;
                        aa += l * l;
                        bb += r * r;
                        ab += l * r;
                    }
                    int i = row + x + 1, j = prev + x + 1;
                    sN[i] = sN[j] + n;
                    sL[i] = sL[j] + a;
                    sR[i] = sR[j] + b;
                    sLL[i] = sLL[j] + aa;
                    sRR[i] = sRR[j] + bb;
                    sLR[i] = sLR[j] + ab;
                }
            }
            for (int y = 0; y < h; y++) {
                int y0 = Math.max(0, y - radius), y1 = Math.min(h - 1, y + radius) + 1;
                for (int x = 0; x < w; x++) {
                    if (x < d) {
                        out[y * w + x] = Float.POSITIVE_INFINITY;
                        continue;
                    }
                    int x0 = Math.max(d, x - radius), x1 = Math.min(w - 1, x + radius) + 1;
                    int i11 = y1 * stride + x1, i01 = y0 * stride + x1, i10 = y1 * stride + x0, i00 = y0 * stride + x0;
                    double n = sN[i11] - sN[i01] - sN[i10] + sN[i00];
                    double a = sL[i11] - sL[i01] - sL[i10] + sL[i00];
                    double b = sR[i11] - sR[i01] - sR[i10] + sR[i00];
                    double aa = sLL[i11] - sLL[i01] - sLL[i10] + sLL[i00];
                    double bb = sRR[i11] - sRR[i01] - sRR[i10] + sRR[i00];
                    double ab = sLR[i11] - sLR[i01] - sLR[i10] + sLR[i00];
                    double varA = aa - a * a / n, varB = bb - b * b / n, cov = ab - a * b / n;
                    // relative floor: integral-image cancellation leaves tiny non-zero variances on flat windows
                    double floor = 1e-9 * (aa + bb + 1);
                    double ncc = varA > floor && varB > floor ? cov / Math.sqrt(varA * varB) : 0;
                    out[y * w + x] = (float) (1 - ncc);
                }
            }
        };
    }
}
