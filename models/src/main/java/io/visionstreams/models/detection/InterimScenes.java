package io.visionstreams.models.detection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.Images;
import io.visionstreams.models.data.RgbImage;

/**
 * INTERIM scene renderer until wt-data's DetectionSceneGenerator lands: a random crop of a natural image
 * with 1-4 filled circles, axis-aligned rectangles and triangles pasted on it, and their exact boxes.
 * Backgrounds come from one side of {@link ImageFolder#split} (train or validation), so held-out scenes
 * never reuse a training background. Object sizes are in pixels and independent of the canvas, so a net
 * trained on small canvases sees objects at the scale it meets on the 320×320 contract input.
 */
public final class InterimScenes implements SceneSource {

    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] STD = {0.229f, 0.224f, 0.225f};
    public static final double VAL_FRACTION = 0.2;
    public static final long SPLIT_SEED = 7;

    /** One scene: CHW float image normalised like the contract, and its boxes. */
    public record Scene(int size, float[] chw, List<GtBox> boxes) {
    }

    private final List<RgbImage> backgrounds = new ArrayList<>();
    private final int minSide;
    private final int maxSide;

    public InterimScenes(List<RgbImage> backgrounds, int minSide, int maxSide) {
        this.backgrounds.addAll(backgrounds);
        this.minSide = minSide;
        this.maxSide = maxSide;
    }

    /** Train or validation backgrounds of {@code dir}, downscaled to at most 400 px per side (crops stay sharp). */
    public static InterimScenes fromFolder(Path dir, boolean validation) throws IOException {
        ImageFolder.Split split = ImageFolder.of(dir).split(VAL_FRACTION, SPLIT_SEED);
        ImageFolder f = validation ? split.validation() : split.train();
        List<RgbImage> bg = new ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            bg.add(Images.limitSide(f.loadRgb(i), 400));
        }
        return new InterimScenes(bg, 16, 112);
    }

    public int backgroundCount() {
        return backgrounds.size();
    }

    @Override
    public Scene render(int size, Random rnd) {
        int[] rgb = background(size, rnd);
        int n = 1 + rnd.nextInt(4);
        List<GtBox> boxes = new ArrayList<>();
        for (int tries = 0; boxes.size() < n && tries < 40; tries++) {
            int cls = rnd.nextInt(3);
            int side = minSide + rnd.nextInt(Math.min(maxSide, size - 4) - minSide + 1);
            float x0 = rnd.nextFloat() * (size - side);
            float y0 = rnd.nextFloat() * (size - side);
            float[][] poly = null;
            GtBox box;
            if (cls == 0) {
                box = new GtBox(x0, y0, x0 + side, y0 + side, 0);
            } else if (cls == 1) {
                float w = side;
                float h = side * (0.4f + 0.6f * rnd.nextFloat());
                if (rnd.nextBoolean()) {
                    float t = w;
                    w = h;
                    h = t;
                }
                box = new GtBox(x0, y0, x0 + w, y0 + h, 1);
            } else {
                // a random triangle whose vertices span the square: one vertex on the top edge, the others on
                // the bottom corners' sides, so its tight box is the whole side×side square
                float apex = x0 + rnd.nextFloat() * side;
                poly = new float[][] {{apex, y0}, {x0, y0 + side}, {x0 + side, y0 + side}};
                box = new GtBox(x0, y0, x0 + side, y0 + side, 2);
            }
            boolean overlaps = false;
            for (GtBox b : boxes) {
                overlaps |= b.iou(box) > 0 || (Math.min(b.x2(), box.x2()) > Math.max(b.x1(), box.x1())
                        && Math.min(b.y2(), box.y2()) > Math.max(b.y1(), box.y1()));
            }
            if (overlaps) {
                continue;
            }
            paint(rgb, size, box, poly, rnd);
            boxes.add(box);
        }
        float[] chw = new float[3 * size * size];
        for (int p = 0; p < size * size; p++) {
            for (int c = 0; c < 3; c++) {
                int v = (rgb[p] >> (16 - 8 * c)) & 0xFF;
                chw[c * size * size + p] = (v / 255f - MEAN[c]) / STD[c];
            }
        }
        return new Scene(size, chw, boxes);
    }

    private int[] background(int size, Random rnd) {
        RgbImage img = backgrounds.get(rnd.nextInt(backgrounds.size()));
        int side = Math.min(img.width(), img.height());
        int crop = Math.max(Math.min(side, 32), (int) (side * (0.4 + 0.6 * rnd.nextDouble())));
        int cx = rnd.nextInt(img.width() - crop + 1);
        int cy = rnd.nextInt(img.height() - crop + 1);
        RgbImage r = Images.resize(img.crop(cx, cy, crop, crop), size, size);
        boolean flip = rnd.nextBoolean();
        int[] rgb = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int sx = flip ? size - 1 - x : x;
                rgb[y * size + x] = (r.get(sx, y, 0) << 16) | (r.get(sx, y, 1) << 8) | r.get(sx, y, 2);
            }
        }
        return rgb;
    }

    /** Fills pixels whose centre lies inside the shape with one random colour plus mild noise. */
    private static void paint(int[] rgb, int size, GtBox b, float[][] tri, Random rnd) {
        int[] col = {rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)};
        float cx = (b.x1() + b.x2()) / 2;
        float cy = (b.y1() + b.y2()) / 2;
        float r = (b.x2() - b.x1()) / 2;
        for (int y = (int) Math.floor(b.y1()); y < Math.ceil(b.y2()) && y < size; y++) {
            for (int x = (int) Math.floor(b.x1()); x < Math.ceil(b.x2()) && x < size; x++) {
                float px = x + 0.5f;
                float py = y + 0.5f;
                boolean in = px >= b.x1() && px < b.x2() && py >= b.y1() && py < b.y2();
                if (in && b.cls() == 0) {
                    in = (px - cx) * (px - cx) + (py - cy) * (py - cy) <= r * r;
                } else if (in && b.cls() == 2) {
                    in = insideTriangle(px, py, tri);
                }
                if (in) {
                    int v = 0;
                    for (int c = 0; c < 3; c++) {
                        v = (v << 8) | Math.max(0, Math.min(255, col[c] + rnd.nextInt(17) - 8));
                    }
                    rgb[y * size + x] = v;
                }
            }
        }
    }

    private static boolean insideTriangle(float px, float py, float[][] t) {
        float d1 = cross(px, py, t[0], t[1]);
        float d2 = cross(px, py, t[1], t[2]);
        float d3 = cross(px, py, t[2], t[0]);
        boolean neg = d1 < 0 || d2 < 0 || d3 < 0;
        boolean pos = d1 > 0 || d2 > 0 || d3 > 0;
        return !(neg && pos);
    }

    private static float cross(float px, float py, float[] a, float[] b) {
        return (px - b[0]) * (a[1] - b[1]) - (a[0] - b[0]) * (py - b[1]);
    }
}
