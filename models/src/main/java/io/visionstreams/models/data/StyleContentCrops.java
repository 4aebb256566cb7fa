package io.visionstreams.models.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Square RGB training crops for the stylisation network (models-stylisation.md §6): a random square
 * window covering a random 40–100 % of the image's shorter side, resized to size×size, mirrored half the
 * time. Output stays plain RGB bytes; the BGR / mean-subtraction contract (§4) belongs to the trainer.
 */
public final class StyleContentCrops {

    private final int size;
    private final double minFraction;
    private final Random rng;
    private final List<RgbImage> images = new ArrayList<>();

    public StyleContentCrops(ImageFolder content, long seed) {
        this(content, seed, 256, 0.4, 1024);
    }

    /**
     * @param minFraction smallest crop side as a fraction of the image's shorter side (random scale)
     * @param maxImageSide images are first shrunk to this longer side (0 = keep), bounding memory
     */
    public StyleContentCrops(ImageFolder content, long seed, int size, double minFraction, int maxImageSide) {
        if (size < 16 || minFraction <= 0 || minFraction > 1) {
            throw new IllegalArgumentException("bad crop options");
        }
        this.size = size;
        this.minFraction = minFraction;
        this.rng = new Random(seed);
        for (int i = 0; i < content.size(); i++) {
            RgbImage img = Images.limitSide(content.loadRgb(i), maxImageSide);
            // crops enlarged more than 2× are blur; the network would learn to stylise blur
            if (Math.min(img.width(), img.height()) >= size / 2) {
                images.add(img);
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no content image has a shorter side of at least " + size / 2);
        }
    }

    public int size() {
        return size;
    }

    public RgbImage next() {
        RgbImage img = images.get(rng.nextInt(images.size()));
        int shorter = Math.min(img.width(), img.height());
        int side = Math.max(Math.min(shorter, size / 2), (int) (shorter * (minFraction + (1 - minFraction) * rng.nextDouble())));
        int x = rng.nextInt(img.width() - side + 1), y = rng.nextInt(img.height() - side + 1);
        RgbImage crop = Images.resize(img.crop(x, y, side, side), size, size);
        return rng.nextBoolean() ? mirror(crop) : crop;
    }

    public List<RgbImage> next(int n) {
        List<RgbImage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    private static RgbImage mirror(RgbImage img) {
        int w = img.width();
        byte[] src = img.data(), d = new byte[src.length];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, (y * w + x) * 3, d, (y * w + (w - 1 - x)) * 3, 3);
            }
        }
        return new RgbImage(w, img.height(), d);
    }
}
