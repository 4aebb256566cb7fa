package io.visionstreams.imaging;

/** Synthetic frames shared by the imaging tests. */
final class TestImages {

    private TestImages() {
    }

    /** Smooth RGB gradient (JPEG-friendly) with distinct R, G and B so channel swaps are visible. */
    static Image gradient(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) (200 * x / Math.max(1, w - 1) + 20);      // R rises left to right
                px[i + 1] = (byte) (200 * y / Math.max(1, h - 1) + 20);  // G rises top to bottom
                px[i + 2] = (byte) 60;                                   // B constant
            }
        }
        return new Image(w, h, 3, px);
    }

    static double meanAbsError(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " vs " + b.length);
        }
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return (double) sum / a.length;
    }
}
