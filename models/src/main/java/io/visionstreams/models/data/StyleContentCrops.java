package io.visionstreams.models.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Square RGB training crops for the stylisation network (models-stylisation.md §6). Output stays plain RGB
 * bytes; the network's value contract belongs to the trainer. Two ways to cut a crop:
 *
 * <ul>
 * <li>{@link Scale#RESIZED} (default): a random square window covering a random minFraction–100 % of the
 * image's shorter side, resized to size×size, mirrored half the time. Images whose shorter side is under
 * size/2 are not used (crops enlarged more than 2× are blur, and the network would learn to stylise blur).</li>
 * <li>{@link Scale#NATIVE}: a size×size window at the image's own resolution; images shorter than size are
 * first enlarged just enough. style-cin/1 (retired, in git history) and the shipped style-cin/2 were trained on
 * these ({@link Options#nativeCrops}).</li>
 * </ul>
 *
 * <p>Crops flatter than {@code minStd} grey levels are redrawn (up to {@value #MAX_DRAWS} draws, the last one
 * kept): on a constant input every instance norm sees a variance of about 0 and its backward pass multiplies
 * the rounding noise by 1/sqrt(ε) ≈ 316 per layer, which overflows float32 through 16 norms (NaN steps).
 */
public final class StyleContentCrops {

    public static final int MAX_DRAWS = 20;

    public enum Scale { RESIZED, NATIVE }

    /**
     * @param minFraction  RESIZED: smallest crop side as a fraction of the image's shorter side
     * @param minStd       redraw crops whose pixel standard deviation (all channels, grey levels) is below this; 0 = never
     * @param maxImageSide images are first shrunk to this longer side (0 = keep), bounding memory
     */
    public record Options(int size, Scale scale, double minFraction, boolean mirror, double minStd, int maxImageSide) {

        public Options {
            if (size < 16 || minFraction <= 0 || minFraction > 1 || minStd < 0) {
                throw new IllegalArgumentException("bad crop options " + this);
            }
        }

        public static Options defaults() {
            return new Options(256, Scale.RESIZED, 0.4, true, 2.0, 1024);
        }

        /** The crops of style-cin/1's training run: native resolution, no mirroring, flat crops redrawn. */
        public static Options nativeCrops(int size) {
            return new Options(size, Scale.NATIVE, 1.0, false, 2.0, 0);
        }
    }

    private final Options opt;
    private final Random rng;
    private final List<RgbImage> images = new ArrayList<>();

    public StyleContentCrops(ImageFolder content, long seed) {
        this(content, seed, Options.defaults());
    }

    public StyleContentCrops(ImageFolder content, long seed, int size, double minFraction, int maxImageSide) {
        this(content, seed, new Options(size, Scale.RESIZED, minFraction, true, 2.0, maxImageSide));
    }

    public StyleContentCrops(ImageFolder content, long seed, Options options) {
        this(content, new Random(seed), options);
    }

    /**
     * Draws from {@code rng}, which the caller may share: style-cin/1's trainer drew each batch's style indices
     * from the same stream as its crops, and reproducing its data needs that interleaving.
     */
    public StyleContentCrops(ImageFolder content, Random rng, Options options) {
        this.opt = options;
        this.rng = rng;
        int size = options.size();
        if (options.scale() == Scale.RESIZED) {
            images.addAll(content.loadAllRgb(options.maxImageSide(), size / 2));
        } else {
            for (RgbImage img : content.loadAllRgb(options.maxImageSide(), 0)) {
                images.add(atLeast(img, size));
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no usable content image for " + size + " px crops in " + content.size() + " files");
        }
    }

    /** Enlarges (area interpolation, as style-cin/1's loader did) so that the shorter side is at least size. */
    private static RgbImage atLeast(RgbImage img, int size) {
        int shorter = Math.min(img.width(), img.height());
        if (shorter >= size) {
            return img;
        }
        int longer = Math.max(img.width(), img.height());
        double s = (double) ((int) Math.ceil(longer * (double) size / shorter) + 1) / longer;
        return Images.resizeArea(img, Math.max(1, (int) Math.round(img.width() * s)), Math.max(1, (int) Math.round(img.height() * s)));
    }

    public int size() {
        return opt.size();
    }

    public int imageCount() {
        return images.size();
    }

    /** One crop from a random image; flat crops are redrawn (see the class comment). */
    public RgbImage next() {
        RgbImage c = null;
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            c = crop(images.get(rng.nextInt(images.size())), rng);
            if (opt.minStd() <= 0 || std(c) >= opt.minStd()) {
                break;
            }
        }
        return c;
    }

    public List<RgbImage> next(int n) {
        List<RgbImage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /**
     * {@code perImage} crops from every image in order, from their own stream seeded with {@code seed} and without
     * redraws: a fixed evaluation set that does not depend on how far training got.
     */
    public List<RgbImage> fixedCrops(int perImage, long seed) {
        Random r = new Random(seed);
        List<RgbImage> out = new ArrayList<>();
        for (RgbImage img : images) {
            for (int j = 0; j < perImage; j++) {
                out.add(crop(img, r));
            }
        }
        return out;
    }

    private RgbImage crop(RgbImage img, Random r) {
        int size = opt.size();
        if (opt.scale() == Scale.NATIVE) {
            int x = r.nextInt(img.width() - size + 1);
            int y = r.nextInt(img.height() - size + 1);
            RgbImage c = img.crop(x, y, size, size);
            return opt.mirror() && r.nextBoolean() ? Images.mirror(c) : c;
        }
        int shorter = Math.min(img.width(), img.height());
        double f = opt.minFraction() + (1 - opt.minFraction()) * r.nextDouble();
        int side = Math.max(Math.min(shorter, size / 2), (int) (shorter * f));
        int x = r.nextInt(img.width() - side + 1), y = r.nextInt(img.height() - side + 1);
        RgbImage c = Images.resize(img.crop(x, y, side, side), size, size);
        return opt.mirror() && r.nextBoolean() ? Images.mirror(c) : c;
    }

    /** Standard deviation of all bytes (every channel), in grey levels. */
    static double std(RgbImage img) {
        double s = 0;
        double s2 = 0;
        byte[] d = img.data();
        for (byte b : d) {
            int v = b & 0xFF;
            s += v;
            s2 += (double) v * v;
        }
        double m = s / d.length;
        return Math.sqrt(Math.max(0, s2 / d.length - m * m));
    }
}
