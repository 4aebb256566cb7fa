package io.visionstreams.models.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Held-out image pairs under known homographies, for benchmarking keypoint matchers: B = H(A) for a
 * random H about the image centre, drawn with {@link Homography#randomAbout} (the patch-pair
 * generator's warp family), and independent {@link Photometric} changes on both views.
 *
 * <p>Pair k depends only on (seed, k) and the folder's file list, so a benchmark folder can be rebuilt
 * exactly. Point p of A maps to H·p of B (pixel-centre coordinates, as everywhere in this package).
 */
public final class HomographyPairs {

    /**
     * Warp strength, the longer image side after down-scaling, photometric changes on or off, and the
     * least share of B that must show A (the rest is black).
     */
    public record Options(Homography.WarpRange warp, int maxImageSide, boolean photometric, double minOverlap) {

        /**
         * Moderate strength: the generator's rotation, scale, shear and shift; the projective terms are
         * scaled down because they act on whole-image distances (300 px) rather than patch distances
         * (32 px), which keeps the perspective foreshortening moderate (w within about 1 ± 0.2).
         */
        public static Options defaults() {
            return new Options(new Homography.WarpRange(0.7, 1.4, 30, 0.15, 0.0003, 16), 640, true, 0.5);
        }
    }

    public record Pair(GrayImage a, GrayImage b, double[] homography, String source) {
    }

    private static final int MIN_SIDE = 160;
    private static final int MIN_TEXTURED = 50;

    private final List<GrayImage> images = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final Options opt;

    /** Loads the usable images of the folder: large enough and textured enough to hold keypoints. */
    public HomographyPairs(ImageFolder folder, Options options) {
        this.opt = options;
        for (int i = 0; i < folder.size(); i++) {
            GrayImage g = Images.limitSide(folder.loadGray(i), options.maxImageSide());
            if (g.width() < MIN_SIDE || g.height() < MIN_SIDE) {
                continue;
            }
            if (PatchPairGenerator.texturedPoints(g.toFloat(), g.width(), g.height(), 8).length < MIN_TEXTURED) {
                continue;
            }
            images.add(g);
            names.add(folder.name(i));
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no image in the folder is at least " + MIN_SIDE + " px and textured");
        }
    }

    public int imageCount() {
        return images.size();
    }

    /** Pair k: image k mod n of the usable images, warp and photometric changes seeded by (seed, k). */
    public Pair pair(long seed, int k) {
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + k);
        int idx = k % images.size();
        GrayImage src = images.get(idx);
        int w = src.width(), h = src.height();
        float[] a = src.toFloat();
        double[] hm = null;
        for (int attempt = 0; attempt < 50 && hm == null; attempt++) {
            double[] c = Homography.randomAbout(rng, opt.warp(), (w - 1) / 2.0, (h - 1) / 2.0);
            if (overlap(Homography.inverse(c), w, h) >= opt.minOverlap()) {
                hm = c;
            }
        }
        if (hm == null) {
            throw new IllegalStateException("no warp of " + names.get(idx) + " keeps " + opt.minOverlap() + " overlap");
        }
        float[] b = warp(a, w, h, Homography.inverse(hm));
        if (opt.photometric()) {
            Photometric.maybeBlur(rng, a, w, h);
            Photometric.adjust(rng, a, 0, a.length);
            Photometric.maybeBlur(rng, b, w, h);
            Photometric.adjust(rng, b, 0, b.length);
        }
        return new Pair(toGray(a, w, h), toGray(b, w, h), hm, names.get(idx));
    }

    /** B(x) = A(inv·x), bilinear; points that fall outside A are black. */
    static float[] warp(float[] a, int w, int h, double[] inv) {
        float[] b = new float[a.length];
        double[] p = new double[2];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                Homography.apply(inv, x, y, p);
                if (p[0] >= 0 && p[1] >= 0 && p[0] <= w - 1 && p[1] <= h - 1) {
                    b[y * w + x] = PatchPairGenerator.bilinear(a, w, h, p[0], p[1]);
                }
            }
        }
        return b;
    }

    /** Share of B (sampled on a coarse grid) whose source point lies inside A. */
    static double overlap(double[] inv, int w, int h) {
        int inside = 0, total = 0;
        double[] p = new double[2];
        for (int y = 0; y < h; y += 8) {
            for (int x = 0; x < w; x += 8) {
                total++;
                double den = inv[6] * x + inv[7] * y + inv[8];
                if (den <= 0) {
                    continue;
                }
                Homography.apply(inv, x, y, p);
                if (p[0] >= 0 && p[1] >= 0 && p[0] <= w - 1 && p[1] <= h - 1) {
                    inside++;
                }
            }
        }
        return (double) inside / total;
    }

    private static GrayImage toGray(float[] v, int w, int h) {
        byte[] d = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = (byte) Math.round(Math.min(1f, Math.max(0f, v[i])) * 255f);
        }
        return new GrayImage(w, h, d);
    }

    /** Writes NNNN_a.png, NNNN_b.png and NNNN_H.txt (9 numbers, row-major, mapping A to B). */
    public static void write(Path dir, int k, Pair p) throws IOException {
        Files.createDirectories(dir);
        String stem = String.format(Locale.ROOT, "%04d", k);
        Images.writeGray(dir.resolve(stem + "_a.png"), p.a());
        Images.writeGray(dir.resolve(stem + "_b.png"), p.b());
        double[] m = p.homography();
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < 3; r++) {
            sb.append(String.format(Locale.ROOT, "%.17g %.17g %.17g%n", m[3 * r], m[3 * r + 1], m[3 * r + 2]));
        }
        Files.writeString(dir.resolve(stem + "_H.txt"), sb.toString());
    }
}
