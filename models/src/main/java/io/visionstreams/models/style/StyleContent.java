package io.visionstreams.models.style;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.pytorch.Tensor;

/**
 * INTERIM content loader for stylisation training: random square crops of the images in a folder.
 * A general data loader is being written in io.visionstreams.models.data; replace this when it lands.
 *
 * <p>The folder is split by file, deterministically: files sorted by name, every 5th one (index % 5
 * == 4) is held out for evaluation and never used in training.
 */
public final class StyleContent {

    private final List<Mat> images = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final int size;

    private StyleContent(int size) {
        this.size = size;
    }

    public record Split(StyleContent train, StyleContent heldOut) {
    }

    /** Loads every readable image in {@code dir} except {@code exclude} (e.g. the style images), split by file. */
    public static Split load(Path dir, int size, List<Path> exclude) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().matches("(?i).*\\.(jpg|jpeg|png|bmp)$")).sorted().toList();
        }
        List<Path> excl = exclude.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        StyleContent train = new StyleContent(size);
        StyleContent held = new StyleContent(size);
        int i = 0;
        for (Path f : files) {
            if (excl.contains(f.toAbsolutePath().normalize())) {
                continue;
            }
            Mat m;
            try {
                m = StyleImages.readRgb(f);
            } catch (IOException e) {
                continue; // unreadable files are skipped, not fatal
            }
            StyleContent to = i++ % 5 == 4 ? held : train;
            to.add(f.getFileName().toString(), m);
        }
        if (train.images.isEmpty() || held.images.isEmpty()) {
            throw new IOException(dir + ": need at least 5 readable content images (got " + i + ")");
        }
        return new Split(train, held);
    }

    private void add(String name, Mat m) {
        // upscale small images so a crop always fits
        int shortest = Math.min(m.rows(), m.cols());
        if (shortest < size) {
            m = StyleImages.resizeLongest(m, (int) Math.ceil(Math.max(m.rows(), m.cols()) * (double) size / shortest) + 1);
        }
        images.add(m);
        names.add(name);
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return size;
    }

    /**
     * One random crop from a random image, as CHW floats. Nearly flat crops are redrawn (up to 20 times):
     * on a constant input every instance norm sees variance ≈ 0, and its backward pass multiplies the
     * rounding noise by 1/sqrt(ε) ≈ 316 per layer, which overflows float32 through 16 norms (NaN steps).
     */
    public float[] randomCrop(Random rnd) {
        float[] c = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            c = crop(images.get(rnd.nextInt(images.size())), rnd);
            if (std(c) >= MIN_STD) {
                break;
            }
        }
        return c;
    }

    /** Minimum standard deviation of a training crop, in network units (about 2 grey levels). */
    static final double MIN_STD = 2.0 / 255 / StyleImages.STD;

    static double std(float[] v) {
        double s = 0;
        double s2 = 0;
        for (float x : v) {
            s += x;
            s2 += x * x;
        }
        double m = s / v.length;
        return Math.sqrt(Math.max(0, s2 / v.length - m * m));
    }

    private float[] crop(Mat m, Random rnd) {
        int x = rnd.nextInt(m.cols() - size + 1);
        int y = rnd.nextInt(m.rows() - size + 1);
        return StyleImages.toChw(new Mat(m, new Rect(x, y, size, size)).clone());
    }

    /** A batch [n, 3, size, size] of random crops. */
    public Tensor batch(int n, Random rnd) {
        float[] all = new float[n * 3 * size * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(randomCrop(rnd), 0, all, i * 3 * size * size, 3 * size * size);
        }
        return StyleImages.tensor(all, n, 3, size, size);
    }

    /** {@code perImage} seeded crops from every image: a fixed evaluation set [n, 3, size, size]. */
    public Tensor fixedCrops(int perImage, long seed) {
        Random rnd = new Random(seed);
        int n = images.size() * perImage;
        float[] all = new float[n * 3 * size * size];
        int k = 0;
        for (Mat m : images) {
            for (int j = 0; j < perImage; j++) {
                System.arraycopy(crop(m, rnd), 0, all, k++ * 3 * size * size, 3 * size * size);
            }
        }
        return StyleImages.tensor(all, n, 3, size, size);
    }
}
