package io.visionstreams.models.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Matching / non-matching 64×64 grayscale patch pairs from natural images (models-patch-stereo.md §1).
 *
 * <p>A positive takes patch A centred at a textured point p of image I and patch B centred at H·p in
 * I' = H(I), where H is a random homography (rotation, scale, shear, perspective, shift) about p; B is
 * sampled straight from I through H⁻¹, which equals cutting it out of the fully warped image without
 * warping whole images. Negatives pair A with a patch around a different point q, itself seen through
 * its own random homography so that warping artefacts alone cannot tell positives from negatives; a
 * fraction are hard negatives 10–40 px from p in the same image. Both patches get independent
 * photometric changes (blur, gamma, gain, bias, noise). Batches are half positive, in shuffled order.
 *
 * <p>Patch pixel (i, j) samples the source at (cx + i − size/2, cy + j − size/2), so an integer centre
 * reads A without interpolation. Output is a pure function of the folder contents, options and seed.
 */
public final class PatchPairGenerator implements PatchPairSource {

    public record Options(int patchSize, double minScale, double maxScale, double maxRotationDeg, double maxShear,
                          double maxPerspective, double maxShift, double hardNegativeFraction, double hardMinDistance,
                          double hardMaxDistance, boolean photometric, int maxImageSide) {

        public static Options defaults() {
            return new Options(64, 0.7, 1.4, 30, 0.15, 0.0015, 16, 0.3, 10, 40, true, 1024);
        }

        public Homography.WarpRange warpRange() {
            return new Homography.WarpRange(minScale, maxScale, maxRotationDeg, maxShear, maxPerspective, maxShift);
        }

        public Options withPhotometric(boolean on) {
            return new Options(patchSize, minScale, maxScale, maxRotationDeg, maxShear, maxPerspective, maxShift,
                    hardNegativeFraction, hardMinDistance, hardMaxDistance, on, maxImageSide);
        }

        public Options withHardNegativeFraction(double f) {
            return new Options(patchSize, minScale, maxScale, maxRotationDeg, maxShear, maxPerspective, maxShift,
                    f, hardMinDistance, hardMaxDistance, photometric, maxImageSide);
        }
    }

    /**
     * Where a pair came from. A is centred at (ax, ay) in image imageA. B shows the point
     * (sourceBx, sourceBy) of image imageB, centred at (bx, by) = homography·source in the warped image.
     * For a positive, imageB == imageA and the source point is (ax, ay).
     */
    public record PairGeometry(boolean positive, int imageA, double ax, double ay, int imageB, double sourceBx,
                               double sourceBy, double bx, double by, double[] homography) {
    }

    public record Generated(PatchBatch batch, List<PairGeometry> geometry) {
    }

    /** Below this structure-tensor response a point is treated as flat (sky, walls, blown-out areas). */
    static final double MIN_TEXTURE = 2e-4;
    /** Among textured points keep the stronger ones, the way keypoint detectors favour corners. */
    static final double TEXTURE_QUANTILE = 0.6;
    private static final int MIN_CANDIDATES = 20;
    private static final int BLUR_MARGIN = 4;

    private static final class Source {
        final int index;
        final GrayImage gray;
        final float[] pix;
        final int[] candidates;

        Source(int index, GrayImage gray, float[] pix, int[] candidates) {
            this.index = index;
            this.gray = gray;
            this.pix = pix;
            this.candidates = candidates;
        }
    }

    private final Options opt;
    private final Random rng;
    private final List<Source> sources = new ArrayList<>();
    private final Source[] byIndex;

    public PatchPairGenerator(ImageFolder images, long seed) {
        this(images, seed, Options.defaults());
    }

    public PatchPairGenerator(ImageFolder images, long seed, Options options) {
        this.opt = options;
        this.rng = new Random(seed);
        this.byIndex = new Source[images.size()];
        int margin = options.patchSize() / 2 + BLUR_MARGIN + 2;
        for (int i = 0; i < images.size(); i++) {
            GrayImage g = Images.limitSide(images.loadGray(i), options.maxImageSide());
            if (g.width() < 2 * margin + 8 || g.height() < 2 * margin + 8) {
                continue; // icons and thumbnails cannot hold a warped 64×64 patch
            }
            float[] pix = g.toFloat();
            int[] cand = texturedPoints(pix, g.width(), g.height(), margin);
            if (cand.length >= MIN_CANDIDATES) {
                Source s = new Source(i, g, pix, cand);
                sources.add(s);
                byIndex[i] = s;
            }
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no image in the folder is large and textured enough for patches");
        }
    }

    /** Folder indices of the images that are actually used (large and textured enough). */
    public int[] usedImages() {
        return sources.stream().mapToInt(s -> s.index).toArray();
    }

    /** The gray image patches are cut from (after any down-scaling to maxImageSide). */
    public GrayImage image(int folderIndex) {
        return byIndex[folderIndex].gray;
    }

    /**
     * Restarts the random stream: after reseed(s), the next batches are those of a fresh generator with
     * seed s over the same images, so a trainer can make batch k a function of (seed, k) (identical on
     * resume) without re-loading and re-scanning the images each step.
     */
    public void reseed(long seed) {
        rng.setSeed(seed);
    }

    @Override
    public PatchBatch next(int n) {
        return generate(n).batch();
    }

    public Generated generate(int n) {
        int size = opt.patchSize();
        int area = size * size;
        float[] a = new float[n * area];
        float[] b = new float[n * area];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i < n / 2 ? 1f : -1f;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        List<PairGeometry> geo = new ArrayList<>(n);
        float[] buf = new float[(size + 2 * BLUR_MARGIN) * (size + 2 * BLUR_MARGIN)];
        for (int i = 0; i < n; i++) {
            geo.add(labels[i] > 0 ? positive(a, b, i * area, buf) : negative(a, b, i * area, buf));
        }
        return new Generated(new PatchBatch(a, b, labels, n, size), geo);
    }

    private PairGeometry positive(float[] a, float[] b, int off, float[] buf) {
        while (true) {
            Source s = sources.get(rng.nextInt(sources.size()));
            int c = s.candidates[rng.nextInt(s.candidates.length)];
            double px = c % s.gray.width(), py = c / s.gray.width();
            double[] h = warpAround(s, px, py);
            if (h == null) {
                continue;
            }
            double[] bc = Homography.apply(h, px, py);
            cut(s, Homography.identity(), px, py, a, off, buf);
            cut(s, Homography.inverse(h), bc[0], bc[1], b, off, buf);
            return new PairGeometry(true, s.index, px, py, s.index, px, py, bc[0], bc[1], h);
        }
    }

    private PairGeometry negative(float[] a, float[] b, int off, float[] buf) {
        while (true) {
            Source s = sources.get(rng.nextInt(sources.size()));
            int c = s.candidates[rng.nextInt(s.candidates.length)];
            int w = s.gray.width();
            double px = c % w, py = c / w;
            Source t;
            double qx, qy;
            if (rng.nextDouble() < opt.hardNegativeFraction()) {
                // a nearby, overlapping but distinct point: the look-alikes a matcher must still reject
                double d = opt.hardMinDistance() + rng.nextDouble() * (opt.hardMaxDistance() - opt.hardMinDistance());
                double phi = rng.nextDouble() * 2 * Math.PI;
                t = s;
                qx = Math.round(px + d * Math.cos(phi));
                qy = Math.round(py + d * Math.sin(phi));
                if (Math.hypot(qx - px, qy - py) < opt.hardMinDistance()) {
                    continue;
                }
            } else {
                t = sources.get(rng.nextInt(sources.size()));
                int q = t.candidates[rng.nextInt(t.candidates.length)];
                qx = q % t.gray.width();
                qy = q / t.gray.width();
                if (t == s && Math.hypot(qx - px, qy - py) < opt.hardMaxDistance()) {
                    continue;
                }
            }
            double[] h = warpAround(t, qx, qy);
            if (h == null || !fits(s, Homography.identity(), px, py)) {
                continue;
            }
            double[] bc = Homography.apply(h, qx, qy);
            cut(s, Homography.identity(), px, py, a, off, buf);
            cut(t, Homography.inverse(h), bc[0], bc[1], b, off, buf);
            return new PairGeometry(false, s.index, px, py, t.index, qx, qy, bc[0], bc[1], h);
        }
    }

    /** A random homography about (px, py) whose B patch footprint stays inside the image, or null. */
    private double[] warpAround(Source s, double px, double py) {
        for (int attempt = 0; attempt < 8; attempt++) {
            double[] h = Homography.randomAbout(rng, opt.warpRange(), px, py);
            double[] c = Homography.apply(h, px, py);
            if (fits(s, Homography.inverse(h), c[0], c[1])) {
                return h;
            }
        }
        return null;
    }

    /** Whether the patch (with its blur margin) centred at (cx, cy) maps through inv into the image. */
    private boolean fits(Source s, double[] inv, double cx, double cy) {
        int half = opt.patchSize() / 2 + BLUR_MARGIN;
        double[] p = new double[2];
        for (int k = 0; k < 4; k++) {
            double x = cx + ((k & 1) == 0 ? -half : half), y = cy + ((k & 2) == 0 ? -half : half);
            double w = inv[6] * x + inv[7] * y + inv[8];
            if (w <= 0) {
                return false;
            }
            Homography.apply(inv, x, y, p);
            if (p[0] < 0 || p[1] < 0 || p[0] > s.gray.width() - 1 || p[1] > s.gray.height() - 1) {
                return false;
            }
        }
        return true;
    }

    /** Samples the patch centred at (cx, cy) of the view inv⁻¹(I), then applies photometric changes. */
    private void cut(Source s, double[] inv, double cx, double cy, float[] out, int off, float[] buf) {
        int size = opt.patchSize();
        int m = BLUR_MARGIN, full = size + 2 * m;
        double[] p = new double[2];
        for (int j = 0; j < full; j++) {
            for (int i = 0; i < full; i++) {
                Homography.apply(inv, cx + i - m - size / 2, cy + j - m - size / 2, p);
                buf[j * full + i] = bilinear(s.pix, s.gray.width(), s.gray.height(), p[0], p[1]);
            }
        }
        if (opt.photometric()) {
            Photometric.maybeBlur(rng, buf, full, full);
        }
        for (int j = 0; j < size; j++) {
            System.arraycopy(buf, (j + m) * full + m, out, off + j * size, size);
        }
        if (opt.photometric()) {
            Photometric.adjust(rng, out, off, size * size);
        }
    }

    static float bilinear(float[] img, int w, int h, double x, double y) {
        x = Math.min(Math.max(x, 0), w - 1);
        y = Math.min(Math.max(y, 0), h - 1);
        int x0 = Math.min((int) x, w - 2 < 0 ? 0 : w - 2), y0 = Math.min((int) y, h - 2 < 0 ? 0 : h - 2);
        int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
        double fx = x - x0, fy = y - y0;
        double top = img[y0 * w + x0] * (1 - fx) + img[y0 * w + x1] * fx;
        double bot = img[y1 * w + x0] * (1 - fx) + img[y1 * w + x1] * fx;
        return (float) (top * (1 - fy) + bot * fy);
    }

    /**
     * Pixels (as y·w + x) whose Shi–Tomasi response (smaller structure-tensor eigenvalue over a 7×7
     * window) clears both an absolute floor and the image's own quantile: both gradient directions must
     * vary, so flat areas and plain straight edges, which match anywhere along them, are rarely chosen.
     */
    static int[] texturedPoints(float[] pix, int w, int h, int margin) {
        int r = 3;
        int cap = Math.max(0, (h - 2 * margin + 1) / 2 + 1) * Math.max(0, (w - 2 * margin + 1) / 2 + 1);
        float[] score = new float[cap];
        int[] idx = new int[cap];
        int count = 0;
        for (int y = margin; y < h - margin; y += 2) {
            for (int x = margin; x < w - margin; x += 2) {
                double sxx = 0, syy = 0, sxy = 0;
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        int p = (y + dy) * w + x + dx;
                        double gx = (pix[p + 1] - pix[p - 1]) * 0.5, gy = (pix[p + w] - pix[p - w]) * 0.5;
                        sxx += gx * gx;
                        syy += gy * gy;
                        sxy += gx * gy;
                    }
                }
                double n = (2 * r + 1) * (2 * r + 1);
                sxx /= n;
                syy /= n;
                sxy /= n;
                double lmin = (sxx + syy) / 2 - Math.sqrt((sxx - syy) * (sxx - syy) / 4 + sxy * sxy);
                score[count] = (float) lmin;
                idx[count++] = y * w + x;
            }
        }
        if (count == 0) {
            return new int[0];
        }
        float[] copy = Arrays.copyOf(score, count);
        Arrays.sort(copy);
        double thr = Math.max(MIN_TEXTURE, copy[(int) (TEXTURE_QUANTILE * (count - 1))]);
        int[] out = new int[count];
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (score[i] >= thr) {
                out[k++] = idx[i];
            }
        }
        return Arrays.copyOf(out, k);
    }
}
