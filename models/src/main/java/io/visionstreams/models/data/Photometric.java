package io.visionstreams.models.data;

import java.util.Random;

/**
 * The photometric changes applied to generated views (patch pairs and held-out image pairs alike):
 * an occasional Gaussian blur, then gamma, gain, bias and noise on [0, 1] pixel values.
 */
public final class Photometric {

    private Photometric() {
    }

    /** With probability 0.3, blurs the w×h buffer with σ in [0.4, 1.5]. */
    public static void maybeBlur(Random rng, float[] buf, int w, int h) {
        if (rng.nextDouble() < 0.3) {
            gaussianBlur(buf, w, h, 0.4 + rng.nextDouble() * 1.1);
        }
    }

    /** Gamma e^±0.3, gain e^±0.25, bias ±0.08, Gaussian noise σ ≤ 0.02, clamped to [0, 1]. */
    public static void adjust(Random rng, float[] v, int off, int len) {
        double gamma = Math.exp((rng.nextDouble() * 2 - 1) * 0.3);
        double gain = Math.exp((rng.nextDouble() * 2 - 1) * 0.25);
        double bias = (rng.nextDouble() * 2 - 1) * 0.08;
        double noise = rng.nextDouble() * 0.02;
        for (int k = off; k < off + len; k++) {
            double x = gain * Math.pow(v[k], gamma) + bias + noise * rng.nextGaussian();
            v[k] = (float) Math.min(1, Math.max(0, x));
        }
    }

    /** Separable Gaussian, edges clamped. */
    public static void gaussianBlur(float[] buf, int w, int h, double sigma) {
        int r = (int) Math.ceil(2.5 * sigma);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        float[] tmp = new float[buf.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0;
                for (int i = -r; i <= r; i++) {
                    v += k[i + r] * buf[y * w + Math.min(w - 1, Math.max(0, x + i))];
                }
                tmp[y * w + x] = (float) v;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0;
                for (int i = -r; i <= r; i++) {
                    v += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
                }
                buf[y * w + x] = (float) v;
            }
        }
    }
}
