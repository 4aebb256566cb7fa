package io.visionstreams.models.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Composite detection scenes with exact boxes: a random crop of a natural image as background, and
 * filled circles, rectangles and triangles (solid, gradient or photo-textured, random size and rotation)
 * pasted on top in order, later shapes occluding earlier ones and shapes allowed to run off the frame.
 *
 * <p>A shape is labelled when at least minVisible of its full area is visible (not covered, inside the
 * frame); its box is the tight box of its visible pixels, the COCO convention for occluded objects.
 * Shapes below the threshold stay in the image unlabelled: they are marked −2 in the instance map so a
 * trainer can ignore detections there instead of calling them false positives.
 */
public final class DetectionSceneGenerator {

    public static final List<String> CLASSES = List.of("circle", "rectangle", "triangle");
    public static final int CIRCLE = 0, RECTANGLE = 1, TRIANGLE = 2;

    public record Options(int width, int height, int minObjects, int maxObjects, int minSize, int maxSize,
                          double minVisible, int maxImageSide) {

        public static Options defaults() {
            return new Options(320, 320, 1, 6, 16, 160, 0.5, 1024);
        }

        public Options withSize(int w, int h) {
            return new Options(w, h, minObjects, maxObjects, minSize, maxSize, minVisible, maxImageSide);
        }

        public Options withObjects(int min, int max) {
            return new Options(width, height, min, max, minSize, maxSize, minVisible, maxImageSide);
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
    private final Random rng;
    private final List<RgbImage> images = new ArrayList<>();

    public DetectionSceneGenerator(ImageFolder backgrounds, long seed) {
        this(backgrounds, seed, Options.defaults());
    }

    public DetectionSceneGenerator(ImageFolder backgrounds, long seed, Options options) {
        this.opt = options;
        this.rng = new Random(seed);
        for (int i = 0; i < backgrounds.size(); i++) {
            RgbImage img = Images.limitSide(backgrounds.loadRgb(i), options.maxImageSide());
            if (img.width() >= 64 && img.height() >= 64) {
                images.add(img);
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no background image of at least 64×64");
        }
    }

    public Scene next() {
        int w = opt.width(), h = opt.height();
        byte[] px = randomCrop(w, h).data().clone();
        int n = opt.minObjects() + rng.nextInt(opt.maxObjects() - opt.minObjects() + 1);
        int[] owner = new int[w * h];
        java.util.Arrays.fill(owner, -1);
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
        java.util.Arrays.fill(minX, Integer.MAX_VALUE);
        java.util.Arrays.fill(minY, Integer.MAX_VALUE);
        java.util.Arrays.fill(maxX, -1);
        java.util.Arrays.fill(maxY, -1);
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
