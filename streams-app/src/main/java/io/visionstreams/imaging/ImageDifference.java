package io.visionstreams.imaging;

/**
 * How far apart two images of the same size are, per 8-bit channel value: mean absolute difference and
 * PSNR. Used to say what a cheaper setting (e.g. stylising a downscaled copy) costs against the full one.
 */
public record ImageDifference(double meanAbs, double psnrDb) {

    public static ImageDifference of(Image a, Image b) {
        if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels()) {
            throw new IllegalArgumentException("images differ in size: " + a.width() + "x" + a.height() + "x" + a.channels()
                    + " vs " + b.width() + "x" + b.height() + "x" + b.channels());
        }
        byte[] p = a.pixels();
        byte[] q = b.pixels();
        long abs = 0;
        double sq = 0;
        for (int i = 0; i < p.length; i++) {
            int d = (p[i] & 0xFF) - (q[i] & 0xFF);
            abs += Math.abs(d);
            sq += (double) d * d;
        }
        double mse = sq / p.length;
        return new ImageDifference((double) abs / p.length,
                mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse));
    }
}
