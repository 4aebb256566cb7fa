package io.visionstreams.models.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Composite detection scenes with exact boxes: a random crop of a natural image as background with filled
 * circles, rectangles and triangles pasted on top. Two layouts:
 *
 * <ul>
 * <li>{@link Layout#OCCLUDING} (default): solid, gradient or photo-textured shapes of random size and
 * rotation, pasted in order, later shapes occluding earlier ones and shapes allowed to run off the frame. A
 * shape is labelled when at least minVisible of its full area is visible (not covered, inside the frame); its
 * box is the tight box of its visible pixels, the COCO convention for occluded objects. Shapes below the
 * threshold stay in the image unlabelled: they are marked −2 in the instance map so a trainer can ignore
 * detections there instead of calling them false positives.</li>
 * <li>{@link Layout#SEPARATE}: axis-aligned, non-overlapping shapes in flat colours with mild per-pixel noise,
 * fully inside the frame, on a random square crop mirrored half the time. A box is the shape's exact
 * continuous extent (edges may be fractional); a pixel is painted when its centre lies inside the shape. The
 * shipped detector-teacher/1 and detector-student/1 were trained on these scenes ({@link Options#separate}),
 * and this layout reproduces that data draw for draw.</li>
 * </ul>
 */
public final class DetectionSceneGenerator {

    public static final List<String> CLASSES = List.of("circle", "rectangle", "triangle");
    public static final int CIRCLE = 0, RECTANGLE = 1, TRIANGLE = 2;

    public enum Layout { OCCLUDING, SEPARATE }

    /**
     * @param minSize,maxSize object size in pixels (independent of the canvas, so a net trained on small canvases
     *                        sees objects at the scale it meets on a large input)
     * @param maxImageSide    backgrounds are first shrunk to this longer side (0 = keep)
     * @param minImageSide    backgrounds whose shorter side is then smaller are not used
     */
    public record Options(int width, int height, int minObjects, int maxObjects, int minSize, int maxSize,
                          double minVisible, int maxImageSide, int minImageSide, Layout layout) {

        public static Options defaults() {
            return new Options(320, 320, 1, 6, 16, 160, 0.5, 1024, 64, Layout.OCCLUDING);
        }

        /** The scenes of detector-teacher/1 and detector-student/1: 1–4 separate shapes of 16–112 px. */
        public static Options separate(int size) {
            return new Options(size, size, 1, 4, 16, 112, 1.0, 400, 0, Layout.SEPARATE);
        }

        public Options withSize(int w, int h) {
            return new Options(w, h, minObjects, maxObjects, minSize, maxSize, minVisible, maxImageSide, minImageSide, layout);
        }

        public Options withObjects(int min, int max) {
            return new Options(width, height, min, max, minSize, maxSize, minVisible, maxImageSide, minImageSide, layout);
        }

        public Options withObjectSizes(int min, int max) {
            return new Options(width, height, minObjects, maxObjects, min, max, minVisible, maxImageSide, minImageSide, layout);
        }
    }

    /**
     * instances[y·width + x] is the index in boxes of the labelled shape seen at that pixel, −1 for
     * background, −2 for a pasted shape left unlabelled (too little of it visible).
     */
    public record Scene(RgbImage image, List<DetectionBox> boxes, int[] instances) {
    }

    public static final int BACKGROUND = -1, UNLABELLED = -2;

    private interface Shape {
        boolean contains(double x, double y);
    }

    private final Options opt;
    private Random rng;
    private final List<RgbImage> images;

    public DetectionSceneGenerator(ImageFolder backgrounds, long seed) {
        this(backgrounds, seed, Options.defaults());
    }

    public DetectionSceneGenerator(ImageFolder backgrounds, long seed, Options options) {
        this(backgrounds.loadAllRgb(options.maxImageSide(), options.minImageSide()), seed, options);
    }

    /** Backgrounds already in memory (shrunk and filtered by the options like folder images). */
    public DetectionSceneGenerator(List<RgbImage> backgrounds, long seed, Options options) {
        if (options.minSize() < 1 || options.maxSize() < options.minSize() || options.minObjects() < 0
                || options.maxObjects() < options.minObjects()) {
            throw new IllegalArgumentException("bad scene options " + options);
        }
        if (options.layout() == Layout.SEPARATE && Math.min(options.width(), options.height()) - 4 < options.minSize()) {
            throw new IllegalArgumentException("canvas too small for objects of " + options.minSize() + " px: " + options);
        }
        this.opt = options;
        this.rng = new Random(seed);
        this.images = backgrounds.stream().map(b -> Images.limitSide(b, options.maxImageSide()))
                .filter(b -> Math.min(b.width(), b.height()) >= options.minImageSide()).toList();
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no background image with a shorter side of at least " + options.minImageSide());
        }
    }

    public Options options() {
        return opt;
    }

    public int backgroundCount() {
        return images.size();
    }

    /** Restarts the random stream: the next scenes are those of a fresh generator with this seed. */
    public void reseed(long seed) {
        rng = new Random(seed);
    }

    /** The random stream's position (see {@link RandomState}), for checkpoints. */
    public String streamState() {
        return RandomState.encode(rng);
    }

    /** Continues from a {@link #streamState()}: the next scenes are those the saved generator would have drawn. */
    public void restoreStreamState(String state) {
        rng = RandomState.decode(state);
    }

    public Scene next() {
        return opt.layout() == Layout.SEPARATE ? nextSeparate() : nextOccluding();
    }

    private Scene nextOccluding() {
        int w = opt.width(), h = opt.height();
        byte[] px = randomCrop(w, h).data().clone();
        int n = opt.minObjects() + rng.nextInt(opt.maxObjects() - opt.minObjects() + 1);
        int[] owner = new int[w * h];
        Arrays.fill(owner, -1);
        int[] cls = new int[n];
        long[] area = new long[n];
        for (int k = 0; k < n; k++) {
            cls[k] = rng.nextInt(CLASSES.size());
            double size = opt.minSize() + rng.nextDouble() * (opt.maxSize() - opt.minSize());
            // centres up to a quarter size beyond the frame, so some shapes are cut by the border
            double cx = -size / 4 + rng.nextDouble() * (w + size / 2), cy = -size / 4 + rng.nextDouble() * (h + size / 2);
            Shape s = shape(cls[k], cx, cy, size);
            Fill fill = fill();
            int r = (int) Math.ceil(size / 2 * Math.sqrt(2)) + 1;
            for (int y = (int) Math.floor(cy) - r; y <= cy + r; y++) {
                for (int x = (int) Math.floor(cx) - r; x <= cx + r; x++) {
                    // pixel (x, y) belongs to the shape when its centre does: a binary mask, so boxes are exact
                    if (!s.contains(x + 0.5, y + 0.5)) {
                        continue;
                    }
                    area[k]++;
                    if (x < 0 || y < 0 || x >= w || y >= h) {
                        continue;
                    }
                    owner[y * w + x] = k;
                    fill.paint(px, (y * w + x) * 3, x - cx, y - cy, size);
                }
            }
        }
        long[] visible = new long[n];
        int[] minX = new int[n], minY = new int[n], maxX = new int[n], maxY = new int[n];
        Arrays.fill(minX, Integer.MAX_VALUE);
        Arrays.fill(minY, Integer.MAX_VALUE);
        Arrays.fill(maxX, -1);
        Arrays.fill(maxY, -1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = owner[y * w + x];
                if (k >= 0) {
                    visible[k]++;
                    minX[k] = Math.min(minX[k], x);
                    maxX[k] = Math.max(maxX[k], x);
                    minY[k] = Math.min(minY[k], y);
                    maxY[k] = Math.max(maxY[k], y);
                }
            }
        }
        List<DetectionBox> boxes = new ArrayList<>();
        int[] boxOf = new int[n];
        for (int k = 0; k < n; k++) {
            if (visible[k] > 0 && visible[k] >= opt.minVisible() * area[k]) {
                boxOf[k] = boxes.size();
                boxes.add(new DetectionBox(cls[k], minX[k], minY[k], maxX[k] + 1, maxY[k] + 1));
            } else {
                boxOf[k] = UNLABELLED;
            }
        }
        int[] instances = new int[w * h];
        for (int i = 0; i < instances.length; i++) {
            instances[i] = owner[i] < 0 ? BACKGROUND : boxOf[owner[i]];
        }
        return new Scene(new RgbImage(w, h, px), boxes, instances);
    }

    private Shape shape(int cls, double cx, double cy, double size) {
        double theta = rng.nextDouble() * Math.PI * 2, cos = Math.cos(theta), sin = Math.sin(theta);
        switch (cls) {
            case CIRCLE -> {
                double r2 = size * size / 4;
                return (x, y) -> (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r2;
            }
            case RECTANGLE -> {
                // size is the longer side; rotated about the centre
                double hw = size / 2, hh = size / 2 * (0.35 + 0.65 * rng.nextDouble());
                return (x, y) -> {
                    double u = (x - cx) * cos + (y - cy) * sin, v = -(x - cx) * sin + (y - cy) * cos;
                    return Math.abs(u) <= hw && Math.abs(v) <= hh;
                };
            }
            default -> {
                // vertices on the circle of diameter size, about 120° apart so no triangle degenerates to a sliver
                double[] vx = new double[3], vy = new double[3];
                for (int i = 0; i < 3; i++) {
                    double a = theta + i * 2 * Math.PI / 3 + (rng.nextDouble() * 2 - 1) * Math.toRadians(25);
                    vx[i] = cx + size / 2 * Math.cos(a);
                    vy[i] = cy + size / 2 * Math.sin(a);
                }
                return (x, y) -> {
                    double d0 = (vx[1] - vx[0]) * (y - vy[0]) - (vy[1] - vy[0]) * (x - vx[0]);
                    double d1 = (vx[2] - vx[1]) * (y - vy[1]) - (vy[2] - vy[1]) * (x - vx[1]);
                    double d2 = (vx[0] - vx[2]) * (y - vy[2]) - (vy[0] - vy[2]) * (x - vx[2]);
                    return (d0 >= 0 && d1 >= 0 && d2 >= 0) || (d0 <= 0 && d1 <= 0 && d2 <= 0);
                };
            }
        }
    }

    private interface Fill {
        /** Writes RGB at byte offset i for a pixel at (dx, dy) from the shape centre. */
        void paint(byte[] px, int i, double dx, double dy, double size);
    }

    private Fill fill() {
        double kind = rng.nextDouble();
        int[] c1 = {rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
        if (kind < 0.4) {
            return (px, i, dx, dy, size) -> {
                for (int c = 0; c < 3; c++) {
                    px[i + c] = (byte) c1[c];
                }
            };
        }
        if (kind < 0.65) {
            int[] c2 = {rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
            double t = rng.nextDouble() * 2 * Math.PI, gx = Math.cos(t), gy = Math.sin(t);
            return (px, i, dx, dy, size) -> {
                double f = Math.min(1, Math.max(0, 0.5 + (dx * gx + dy * gy) / size));
                for (int c = 0; c < 3; c++) {
                    px[i + c] = (byte) Math.round(c1[c] * (1 - f) + c2[c] * f);
                }
            };
        }
        // photo texture, tinted so that a shape cut from the background image still stands out
        RgbImage tex = images.get(rng.nextInt(images.size()));
        int ox = rng.nextInt(Math.max(1, tex.width() - opt.maxSize())) + opt.maxSize() / 2;
        int oy = rng.nextInt(Math.max(1, tex.height() - opt.maxSize())) + opt.maxSize() / 2;
        return (px, i, dx, dy, size) -> {
            int x = Math.min(tex.width() - 1, Math.max(0, (int) Math.round(ox + dx)));
            int y = Math.min(tex.height() - 1, Math.max(0, (int) Math.round(oy + dy)));
            for (int c = 0; c < 3; c++) {
                px[i + c] = (byte) ((tex.get(x, y, c) + c1[c]) / 2);
            }
        };
    }

    /**
     * The SEPARATE layout. Its random draws and float arithmetic are those of the renderer that made the v1
     * detector data (a test pins a fingerprint of its output): change them and the shipped models' reproduce
     * commands no longer reproduce them.
     */
    private Scene nextSeparate() {
        int w = opt.width(), h = opt.height();
        byte[] px = squareCropMirrored(w, h);
        int[] instances = new int[w * h];
        Arrays.fill(instances, BACKGROUND);
        int n = opt.minObjects() + rng.nextInt(opt.maxObjects() - opt.minObjects() + 1);
        int maxSide = Math.min(opt.maxSize(), Math.min(w, h) - 4);
        List<DetectionBox> boxes = new ArrayList<>();
        List<float[]> placed = new ArrayList<>();
        for (int tries = 0; boxes.size() < n && tries < 40; tries++) {
            int cls = rng.nextInt(CLASSES.size());
            int side = opt.minSize() + rng.nextInt(maxSide - opt.minSize() + 1);
            float x0 = rng.nextFloat() * (w - side);
            float y0 = rng.nextFloat() * (h - side);
            float[] box;
            float[][] triangle = null;
            if (cls == CIRCLE) {
                box = new float[] {x0, y0, x0 + side, y0 + side};
            } else if (cls == RECTANGLE) {
                float bw = side;
                float bh = side * (0.4f + 0.6f * rng.nextFloat());
                if (rng.nextBoolean()) {
                    float t = bw;
                    bw = bh;
                    bh = t;
                }
                box = new float[] {x0, y0, x0 + bw, y0 + bh};
            } else {
                // apex on the top edge, the other vertices on the bottom corners: the tight box is the whole square
                float apex = x0 + rng.nextFloat() * side;
                triangle = new float[][] {{apex, y0}, {x0, y0 + side}, {x0 + side, y0 + side}};
                box = new float[] {x0, y0, x0 + side, y0 + side};
            }
            boolean overlaps = false;
            for (float[] b : placed) {
                overlaps |= Math.min(b[2], box[2]) > Math.max(b[0], box[0]) && Math.min(b[3], box[3]) > Math.max(b[1], box[1]);
            }
            if (overlaps) {
                continue;
            }
            paintSeparate(px, instances, w, h, box, cls, triangle, boxes.size());
            placed.add(box);
            boxes.add(new DetectionBox(cls, box[0], box[1], box[2], box[3]));
        }
        return new Scene(new RgbImage(w, h, px), boxes, instances);
    }

    /** A random square window (40–100 % of the shorter side, at least 32 px) resized to w×h, mirrored half the time. */
    private byte[] squareCropMirrored(int w, int h) {
        RgbImage img = images.get(rng.nextInt(images.size()));
        int shorter = Math.min(img.width(), img.height());
        int crop = Math.max(Math.min(shorter, 32), (int) (shorter * (0.4 + 0.6 * rng.nextDouble())));
        int cx = rng.nextInt(img.width() - crop + 1);
        int cy = rng.nextInt(img.height() - crop + 1);
        RgbImage r = Images.resize(img.crop(cx, cy, crop, crop), w, h);
        return rng.nextBoolean() ? Images.mirror(r).data() : r.data().clone();
    }

    /** Fills the pixels whose centre lies inside the shape with one random colour plus noise of ±8 levels. */
    private void paintSeparate(byte[] px, int[] instances, int w, int h, float[] b, int cls, float[][] tri, int index) {
        int[] col = {rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
        float cx = (b[0] + b[2]) / 2;
        float cy = (b[1] + b[3]) / 2;
        float r = (b[2] - b[0]) / 2;
        for (int y = (int) Math.floor(b[1]); y < Math.ceil(b[3]) && y < h; y++) {
            for (int x = (int) Math.floor(b[0]); x < Math.ceil(b[2]) && x < w; x++) {
                float pcx = x + 0.5f;
                float pcy = y + 0.5f;
                boolean in = pcx >= b[0] && pcx < b[2] && pcy >= b[1] && pcy < b[3];
                if (in && cls == CIRCLE) {
                    in = (pcx - cx) * (pcx - cx) + (pcy - cy) * (pcy - cy) <= r * r;
                } else if (in && cls == TRIANGLE) {
                    in = insideTriangle(pcx, pcy, tri);
                }
                if (in) {
                    for (int c = 0; c < 3; c++) {
                        px[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, col[c] + rng.nextInt(17) - 8));
                    }
                    instances[y * w + x] = index;
                }
            }
        }
    }

    /** Inside or on the edge of triangle t, in float arithmetic (the v1 data depends on it bit for bit). */
    private static boolean insideTriangle(float px, float py, float[][] t) {
        float d1 = edge(px, py, t[0], t[1]);
        float d2 = edge(px, py, t[1], t[2]);
        float d3 = edge(px, py, t[2], t[0]);
        boolean neg = d1 < 0 || d2 < 0 || d3 < 0;
        boolean pos = d1 > 0 || d2 > 0 || d3 > 0;
        return !(neg && pos);
    }

    private static float edge(float px, float py, float[] a, float[] b) {
        return (px - b[0]) * (a[1] - b[1]) - (a[0] - b[0]) * (py - b[1]);
    }

    private RgbImage randomCrop(int w, int h) {
        RgbImage img = images.get(rng.nextInt(images.size()));
        double aspect = (double) w / h;
        // the largest window of the output's aspect ratio, then a random 30–100 % of it
        double fw = Math.min(img.width(), img.height() * aspect);
        double f = 0.3 + 0.7 * rng.nextDouble();
        int cw = Math.max(1, (int) (fw * f)), chh = Math.max(1, Math.min(img.height(), (int) (fw * f / aspect)));
        int x = rng.nextInt(img.width() - cw + 1), y = rng.nextInt(img.height() - chh + 1);
        return Images.resize(img.crop(x, y, cw, chh), w, h);
    }
}
