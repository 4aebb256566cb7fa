package io.visionstreams.models.patch;

import java.util.List;
import java.util.SplittableRandom;

/**
 * INTERIM pair source until the real generator (io.visionstreams.models.data) lands: crops 64×64
 * patches from natural images. A match is the same location seen through a small random affine
 * warp (rotation ±15°, scale ±15 %, shear, ±2 px shift) plus gain/offset/noise; a non-match is
 * another location (same image half of the time, at least 24 px away) under the same kind of warp,
 * so the warp itself does not give the label away. Low-texture crops are re-drawn. Deterministic
 * by seed. Batches are exactly balanced (even indices match).
 */
public final class SimplePatchPairs implements PatchPairSource {

    private static final int S = PatchOps.SIZE;
    private static final float MIN_STD = 0.03f;

    private final List<ImageFolder.Gray> images;
    private final SplittableRandom rnd;

    public SimplePatchPairs(List<ImageFolder.Gray> images, long seed) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to draw patches from");
        }
        this.images = images;
        this.rnd = new SplittableRandom(seed);
    }

    @Override
    public PatchBatch next(int n) {
        float[] a = new float[n * PatchBatch.PIXELS];
        float[] b = new float[n * PatchBatch.PIXELS];
        float[] y = new float[n];
        float[] tmp = new float[PatchBatch.PIXELS];
        for (int i = 0; i < n; i++) {
            boolean match = i % 2 == 0;
            y[i] = match ? 1f : -1f;
            ImageFolder.Gray img = images.get(rnd.nextInt(images.size()));
            double[] c = textured(img, tmp);
            System.arraycopy(tmp, 0, a, i * PatchBatch.PIXELS, PatchBatch.PIXELS);
            ImageFolder.Gray other = img;
            double cx = c[0];
            double cy = c[1];
            if (!match) {
                if (rnd.nextBoolean() && images.size() > 1) {
                    other = images.get(rnd.nextInt(images.size()));
                }
                double[] d = textured(other, tmp);
                // small images may have no location 24 px away: fall back to another image after a few tries
                for (int tries = 0; other == img && Math.hypot(d[0] - c[0], d[1] - c[1]) < 24; tries++) {
                    if (tries >= 8 && images.size() > 1) {
                        do {
                            other = images.get(rnd.nextInt(images.size()));
                        } while (other == img);
                    }
                    d = textured(other, tmp);
                }
                cx = d[0];
                cy = d[1];
            }
            warp(other, cx, cy, tmp);
            photometric(tmp);
            System.arraycopy(tmp, 0, b, i * PatchBatch.PIXELS, PatchBatch.PIXELS);
        }
        return new PatchBatch(n, a, b, y);
    }

    /** An axis-aligned crop with enough texture; returns its centre. */
    private double[] textured(ImageFolder.Gray img, float[] out) {
        double cx = 0;
        double cy = 0;
        for (int attempt = 0; attempt < 20; attempt++) {
            // margin so that the warped partner stays inside the image
            cx = 48 + rnd.nextDouble() * (img.width() - 96);
            cy = 48 + rnd.nextDouble() * (img.height() - 96);
            sample(img, cx, cy, 1, 0, 0, 1, out);
            if (std(out) > MIN_STD) {
                break;
            }
        }
        return new double[] {cx, cy};
    }

    private void warp(ImageFolder.Gray img, double cx, double cy, float[] out) {
        double th = Math.toRadians((rnd.nextDouble() * 2 - 1) * 15);
        double sc = Math.exp((rnd.nextDouble() * 2 - 1) * Math.log(1.15));
        double sh = (rnd.nextDouble() * 2 - 1) * 0.1;
        double cos = Math.cos(th) * sc;
        double sin = Math.sin(th) * sc;
        sample(img, cx + (rnd.nextDouble() * 2 - 1) * 2, cy + (rnd.nextDouble() * 2 - 1) * 2, cos, -sin + sh, sin,
                cos, out);
    }

    private void photometric(float[] p) {
        float gain = (float) (0.8 + 0.4 * rnd.nextDouble());
        float off = (float) ((rnd.nextDouble() * 2 - 1) * 0.1);
        for (int k = 0; k < p.length; k++) {
            float v = p[k] * gain + off + (float) (rnd.nextDouble() - 0.5) * 0.04f;
            p[k] = Math.min(1f, Math.max(0f, v));
        }
    }

    /** Bilinear sample of a 64×64 patch: source = centre + M·(u − 31.5, v − 31.5); borders clamp. */
    private static void sample(ImageFolder.Gray img, double cx, double cy, double m00, double m01, double m10,
                               double m11, float[] out) {
        int w = img.width();
        int h = img.height();
        float[] px = img.pixels();
        for (int v = 0; v < S; v++) {
            double dv = v - (S - 1) / 2.0;
            for (int u = 0; u < S; u++) {
                double du = u - (S - 1) / 2.0;
                double x = Math.min(w - 1.001, Math.max(0, cx + m00 * du + m01 * dv));
                double y = Math.min(h - 1.001, Math.max(0, cy + m10 * du + m11 * dv));
                int x0 = (int) x;
                int y0 = (int) y;
                double fx = x - x0;
                double fy = y - y0;
                int i = y0 * w + x0;
                double top = px[i] * (1 - fx) + px[i + 1] * fx;
                double bot = px[i + w] * (1 - fx) + px[i + w + 1] * fx;
                out[v * S + u] = (float) (top * (1 - fy) + bot * fy);
            }
        }
    }

    private static float std(float[] p) {
        double s = 0;
        double s2 = 0;
        for (float v : p) {
            s += v;
            s2 += v * v;
        }
        double m = s / p.length;
        return (float) Math.sqrt(Math.max(0, s2 / p.length - m * m));
    }
}
