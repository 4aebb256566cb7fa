package io.visionstreams.models.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Rectified synthetic stereo pairs with exact ground-truth disparity for the left view.
 *
 * <p>The scene is a stack of planar layers in disparity space, d(x, y) = a·x + b·y + c in left-image
 * coordinates: a slanted background plane covering everything, plus foreground polygons and ellipses,
 * each with its own plane and its own natural-image texture. Larger disparity means closer, and at every
 * pixel the closest covering layer wins (a z-buffer over layers) in both views. The right view shows the
 * scene point x − d(x) of each layer: since a layer is planar, the left coordinate seen at right pixel
 * x_r solves x − d(x) = x_r in closed form, so the right view is rendered exactly (no splatting gaps).
 * Regions disoccluded in the right view show the background layer's texture there, i.e. content that the
 * left view does not contain. A left pixel is occluded when the layer visible at its right position is
 * closer than its own, or when that position falls off the right image.
 *
 * <p>Photometric differences (gain, bias, noise) are applied after rendering, per view.
 */
public final class SyntheticStereoGenerator {

    public record Options(int width, int height, double maxDisparity, int minObjects, int maxObjects, boolean rgb,
                          boolean photometric, int maxImageSide) {

        public static Options defaults() {
            return new Options(320, 240, 64, 2, 6, false, true, 1024);
        }

        public Options withSize(int w, int h) {
            return new Options(w, h, maxDisparity, minObjects, maxObjects, rgb, photometric, maxImageSide);
        }

        public Options withMaxDisparity(double d) {
            return new Options(width, height, d, minObjects, maxObjects, rgb, photometric, maxImageSide);
        }

        public Options withObjects(int min, int max) {
            return new Options(width, height, maxDisparity, min, max, rgb, photometric, maxImageSide);
        }

        public Options withRgb(boolean on) {
            return new Options(width, height, maxDisparity, minObjects, maxObjects, on, photometric, maxImageSide);
        }

        public Options withPhotometric(boolean on) {
            return new Options(width, height, maxDisparity, minObjects, maxObjects, rgb, on, maxImageSide);
        }
    }

    /**
     * One pair. left/right hold channels (1 or 3, RGB interleaved) bytes per pixel, row-major.
     * disparity is the left view's ground truth in pixels (right x = left x − d); occluded marks left
     * pixels not visible in the right view.
     */
    public record StereoPair(int width, int height, int channels, byte[] left, byte[] right, float[] disparity,
                             boolean[] occluded) {
    }

    private interface Shape {
        boolean contains(double x, double y);
    }

    /** A texture is a scaled window of a source image: layer point (x, y) reads source (ox + s·x, oy + s·y). */
    private record Texture(RgbImage img, double ox, double oy, double s) {
        void sample(double x, double y, float[] out) {
            double sx = ox + s * x, sy = oy + s * y;
            int w = img.width(), h = img.height();
            sx = Math.min(Math.max(sx, 0), w - 1.001);
            sy = Math.min(Math.max(sy, 0), h - 1.001);
            int x0 = (int) sx, y0 = (int) sy;
            double fx = sx - x0, fy = sy - y0;
            byte[] d = img.data();
            int i00 = (y0 * w + x0) * 3, i10 = i00 + 3, i01 = i00 + 3 * w, i11 = i01 + 3;
            for (int c = 0; c < 3; c++) {
                double top = (d[i00 + c] & 0xFF) * (1 - fx) + (d[i10 + c] & 0xFF) * fx;
                double bot = (d[i01 + c] & 0xFF) * (1 - fx) + (d[i11 + c] & 0xFF) * fx;
                out[c] = (float) (top * (1 - fy) + bot * fy);
            }
        }
    }

    private record Layer(double a, double b, double c, Shape shape, Texture tex) {
        double d(double x, double y) {
            return a * x + b * y + c;
        }

        /** The left x whose scene point lands at right x_r on row y. */
        double leftX(double xr, double y) {
            return (xr + b * y + c) / (1 - a);
        }

        boolean covers(double x, double y) {
            return shape == null || shape.contains(x, y);
        }
    }

    private final Options opt;
    private Random rng;
    private final List<RgbImage> textures = new ArrayList<>();

    public SyntheticStereoGenerator(ImageFolder images, long seed) {
        this(images, seed, Options.defaults());
    }

    public SyntheticStereoGenerator(ImageFolder images, long seed, Options options) {
        if (options.maxDisparity() < 1 || options.width() < 16 || options.height() < 16) {
            throw new IllegalArgumentException("bad stereo options " + options);
        }
        this.opt = options;
        this.rng = new Random(seed);
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = Images.limitSide(images.loadRgb(i), options.maxImageSide());
            // textures enlarged more than ~3× are mostly blur, which gives matchers nothing to learn from
            if (img.width() >= 64 && img.height() >= 64) {
                textures.add(img);
            }
        }
        if (textures.isEmpty()) {
            throw new IllegalArgumentException("no image of at least 64×64 in the folder");
        }
    }

    /** The random stream's position (see {@link RandomState}): with the same images and options, it fixes every later pair. */
    public String streamState() {
        return RandomState.encode(rng);
    }

    /** Continues from a {@link #streamState()}: the next pairs are those the saved generator would have rendered. */
    public void restoreStreamState(String state) {
        rng = RandomState.decode(state);
    }

    /**
     * The pair {@link #next()} rendered when the stream stood at {@code state}; this generator's own stream does not
     * move. Lets a checkpoint keep a pool of pairs as a few bytes of state per pair instead of their pixels.
     */
    public StereoPair renderAt(String state) {
        Random own = rng;
        rng = RandomState.decode(state);
        try {
            return next();
        } finally {
            rng = own;
        }
    }

    public StereoPair next() {
        int w = opt.width(), h = opt.height();
        double maxD = opt.maxDisparity();
        List<Layer> layers = new ArrayList<>();
        // background: a far plane, tilted so that the bottom of the frame (the ground) is closer
        double ax = (rng.nextDouble() * 2 - 1) * 0.08 * maxD / w;
        double by = rng.nextDouble() * 0.25 * maxD / h;
        double c0 = rng.nextDouble() * 0.2 * maxD + 0.02 * maxD + Math.max(0, -ax * w);
        layers.add(new Layer(ax, by, c0, null, texture()));
        int objects = opt.minObjects() + rng.nextInt(opt.maxObjects() - opt.minObjects() + 1);
        for (int k = 0; k < objects; k++) {
            layers.add(object(layers.get(0), w, h, maxD));
        }

        int ch = opt.rgb() ? 3 : 1;
        float[] left = new float[w * h * 3];
        float[] right = new float[w * h * 3];
        float[] disp = new float[w * h];
        boolean[] occ = new boolean[w * h];
        float[] px = new float[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                Layer best = null;
                double bestD = Double.NEGATIVE_INFINITY;
                for (Layer l : layers) {
                    double d = l.d(x, y);
                    if (d > bestD && l.covers(x, y)) {
                        best = l;
                        bestD = d;
                    }
                }
                best.tex().sample(x, y, px);
                System.arraycopy(px, 0, left, (y * w + x) * 3, 3);
                disp[y * w + x] = (float) bestD;
                occ[y * w + x] = hiddenInRight(layers, best, x - bestD, y, bestD);

                // right pixel (x, y): the closest layer whose scene point projects here
                Layer rBest = null;
                double rD = Double.NEGATIVE_INFINITY, rX = 0;
                for (Layer l : layers) {
                    double lx = l.leftX(x, y);
                    double d = l.d(lx, y);
                    if (d > rD && l.covers(lx, y)) {
                        rBest = l;
                        rD = d;
                        rX = lx;
                    }
                }
                rBest.tex().sample(rX, y, px);
                System.arraycopy(px, 0, right, (y * w + x) * 3, 3);
            }
        }
        byte[] l8 = finish(left, w, h, ch, false);
        byte[] r8 = finish(right, w, h, ch, true);
        return new StereoPair(w, h, ch, l8, r8, disp, occ);
    }

    /** Whether a layer other than own is closer at right position x_r (or x_r is outside the right image). */
    private static boolean hiddenInRight(List<Layer> layers, Layer own, double xr, double y, double d) {
        if (xr < 0) {
            return true;
        }
        for (Layer l : layers) {
            if (l == own) {
                continue;
            }
            double lx = l.leftX(xr, y);
            if (l.d(lx, y) > d + 1e-6 && l.covers(lx, y)) {
                return true;
            }
        }
        return false;
    }

    private Layer object(Layer bg, int w, int h, double maxD) {
        double cx = rng.nextDouble() * w, cy = rng.nextDouble() * h;
        double r = (0.08 + rng.nextDouble() * 0.22) * Math.min(w, h);
        Shape shape = rng.nextBoolean() ? polygon(cx, cy, r) : ellipse(cx, cy, r);
        double dc = Math.min(0.95 * maxD, bg.d(cx, cy) + (0.1 + rng.nextDouble() * 0.5) * maxD);
        double a = (rng.nextDouble() * 2 - 1) * 0.1 * maxD / w;
        double b = (rng.nextDouble() * 2 - 1) * 0.1 * maxD / h;
        // keep the plane within [0, maxD] over the shape's extent by flattening it if needed
        double span = Math.abs(a) * r + Math.abs(b) * r;
        if (dc + span > maxD || dc - span < 0) {
            a = 0;
            b = 0;
        }
        return new Layer(a, b, dc - a * cx - b * cy, shape, texture());
    }

    /** A star-shaped polygon: vertices at sorted angles, so the outline never self-intersects. */
    private Shape polygon(double cx, double cy, double r) {
        int n = 3 + rng.nextInt(6);
        double[] ang = new double[n];
        for (int i = 0; i < n; i++) {
            ang[i] = rng.nextDouble() * 2 * Math.PI;
        }
        java.util.Arrays.sort(ang);
        double[] xs = new double[n], ys = new double[n];
        for (int i = 0; i < n; i++) {
            double rr = r * (0.5 + 0.5 * rng.nextDouble());
            xs[i] = cx + rr * Math.cos(ang[i]);
            ys[i] = cy + rr * Math.sin(ang[i]);
        }
        return (x, y) -> {
            boolean in = false;
            for (int i = 0, j = n - 1; i < n; j = i++) {
                if ((ys[i] > y) != (ys[j] > y) && x < (xs[j] - xs[i]) * (y - ys[i]) / (ys[j] - ys[i]) + xs[i]) {
                    in = !in;
                }
            }
            return in;
        };
    }

    private Shape ellipse(double cx, double cy, double r) {
        double rx = r * (0.4 + 0.6 * rng.nextDouble()), ry = r * (0.4 + 0.6 * rng.nextDouble());
        double t = rng.nextDouble() * Math.PI, cos = Math.cos(t), sin = Math.sin(t);
        return (x, y) -> {
            double u = ((x - cx) * cos + (y - cy) * sin) / rx, v = (-(x - cx) * sin + (y - cy) * cos) / ry;
            return u * u + v * v <= 1;
        };
    }

    /** A random window of a random image covering the left frame plus maxDisparity to its right. */
    private Texture texture() {
        RgbImage img = textures.get(rng.nextInt(textures.size()));
        double needW = opt.width() + opt.maxDisparity() + 2, needH = opt.height() + 2;
        double fit = Math.min((img.width() - 2) / needW, (img.height() - 2) / needH);
        // zoom in at most 2× beyond fitting, so both coarse and fine textures appear
        double s = fit * (0.5 + 0.5 * rng.nextDouble());
        double ox = rng.nextDouble() * Math.max(0, img.width() - 2 - s * needW);
        double oy = rng.nextDouble() * Math.max(0, img.height() - 2 - s * needH);
        return new Texture(img, ox, oy, s);
    }

    /** Photometric change per view (the right gets its own gain and bias), then quantisation to bytes. */
    private byte[] finish(float[] rgb, int w, int h, int ch, boolean isRight) {
        double gain = 1, bias = 0, noise = 0;
        if (opt.photometric()) {
            gain = isRight ? Math.exp((rng.nextDouble() * 2 - 1) * 0.15) : 1;
            bias = isRight ? (rng.nextDouble() * 2 - 1) * 10 : 0;
            noise = rng.nextDouble() * 3;
        }
        byte[] out = new byte[w * h * ch];
        for (int i = 0; i < w * h; i++) {
            if (ch == 3) {
                for (int c = 0; c < 3; c++) {
                    out[i * 3 + c] = q(gain * rgb[i * 3 + c] + bias + (noise > 0 ? noise * rng.nextGaussian() : 0));
                }
            } else {
                double g = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
                out[i] = q(gain * g + bias + (noise > 0 ? noise * rng.nextGaussian() : 0));
            }
        }
        return out;
    }

    private static byte q(double v) {
        return (byte) Math.max(0, Math.min(255, Math.round(v)));
    }
}
