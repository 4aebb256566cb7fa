package io.visionstreams.models.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The images of one folder (not recursive), sorted by file name so that indices are stable across
 * machines, with a deterministic per-file train/validation split.
 */
public final class ImageFolder {

    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff", "pgm", "ppm", "webp");

    /** Train and validation views over disjoint files. */
    public record Split(ImageFolder train, ImageFolder validation) {
    }

    /**
     * Which file names are kept on one side of a split. VARIANT ({@link #variantKey}) is the default for new
     * training runs; SEQUENCE ({@link #sequenceKey}) is what the v1 patch models and detectors were split with, kept
     * so their cards still reproduce (it lets name variants such as ela_original/ela_modified straddle the split).
     */
    public enum SplitKey {
        SEQUENCE, VARIANT;

        public String of(String fileName) {
            return this == SEQUENCE ? sequenceKey(fileName) : variantKey(fileName);
        }

        /** {@code sequence} or {@code variant}, as on the command line. */
        public static SplitKey parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "sequence" -> SEQUENCE;
                case "variant" -> VARIANT;
                default -> throw new IllegalArgumentException("split key must be variant or sequence, got " + s);
            };
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final List<Path> files;

    public ImageFolder(List<Path> files) {
        this.files = List.copyOf(files);
    }

    public static ImageFolder of(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ImageFolder(s.filter(Files::isRegularFile)
                    .filter(p -> EXTENSIONS.contains(extension(p.getFileName().toString())))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList());
        }
    }

    public List<Path> files() {
        return files;
    }

    public int size() {
        return files.size();
    }

    public Path file(int i) {
        return files.get(i);
    }

    public String name(int i) {
        return files.get(i).getFileName().toString();
    }

    public GrayImage loadGray(int i) {
        return Images.readGray(files.get(i));
    }

    public RgbImage loadRgb(int i) {
        return Images.readRgb(files.get(i));
    }

    /**
     * Every image, shrunk to at most {@code maxSide} per side (0 = keep), skipping those whose shorter side is
     * then below {@code minSide}: how the generators hold their source images in memory.
     */
    public List<RgbImage> loadAllRgb(int maxSide, int minSide) {
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            RgbImage img = Images.limitSide(loadRgb(i), maxSide);
            if (Math.min(img.width(), img.height()) >= minSide) {
                out.add(img);
            }
        }
        return out;
    }

    /** This folder without the given files (e.g. style images that sit among the content images). */
    public ImageFolder without(Collection<Path> excluded) {
        Set<Path> ex = new HashSet<>();
        excluded.forEach(p -> ex.add(p.toAbsolutePath().normalize()));
        return new ImageFolder(files.stream().filter(f -> !ex.contains(f.toAbsolutePath().normalize())).toList());
    }

    /** A view over the given file indices. */
    public ImageFolder subset(List<Integer> indices) {
        return new ImageFolder(indices.stream().map(files::get).toList());
    }

    /**
     * Splits by file, grouping with {@link #sequenceKey}: numbered frames and left/right views of one
     * scene (basketball1/basketball2, left03/right03) land on the same side, since a validation image
     * that is a near copy of a training image would not be held out at all.
     */
    public Split split(double valFraction, long seed) {
        return split(valFraction, seed, ImageFolder::sequenceKey);
    }

    /** {@link #split(double, long, Function)} grouped by {@code key}. */
    public Split split(double valFraction, long seed, SplitKey key) {
        return split(valFraction, seed, key::of);
    }

    /**
     * The names in {@code heldOut} that have a variant ({@link #variantKey}) among {@code training}: held-out
     * images whose near copy was trained on, so they do not measure generalisation.
     */
    public static List<String> leakedNames(Collection<String> heldOut, Collection<String> training) {
        Set<String> keys = new HashSet<>();
        training.forEach(n -> keys.add(variantKey(n)));
        return heldOut.stream().filter(n -> keys.contains(variantKey(n))).toList();
    }

    /** This folder without the files that have a variant among {@code trainingNames} (see {@link #leakedNames}). */
    public ImageFolder withoutVariantsOf(Collection<String> trainingNames) {
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        Set<String> leaked = new HashSet<>(leakedNames(names, trainingNames));
        return new ImageFolder(files.stream().filter(f -> !leaked.contains(f.getFileName().toString())).toList());
    }

    /** File names in order. */
    public List<String> names() {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    /**
     * Assigns each group of files (by {@code groupKey} of the file name) to validation when a seeded hash
     * of the key falls below {@code valFraction}. Hashing names rather than shuffling indices keeps a
     * file's side fixed when other files are added or removed. If the fraction is positive but no group
     * hashed into validation, the group with the smallest hash goes there, so a tiny folder still gets one.
     */
    public Split split(double valFraction, long seed, Function<String, String> groupKey) {
        if (valFraction < 0 || valFraction > 1) {
            throw new IllegalArgumentException("valFraction must be in [0, 1]: " + valFraction);
        }
        List<Path> train = new ArrayList<>();
        List<Path> val = new ArrayList<>();
        String minKey = null;
        double minHash = Double.MAX_VALUE;
        for (Path f : files) {
            String key = groupKey.apply(f.getFileName().toString());
            double h = unitHash(key, seed);
            if (h < minHash) {
                minHash = h;
                minKey = key;
            }
            (h < valFraction ? val : train).add(f);
        }
        if (val.isEmpty() && valFraction > 0 && minKey != null) {
            String k = minKey;
            List<Path> moved = train.stream().filter(f -> groupKey.apply(f.getFileName().toString()).equals(k)).toList();
            train.removeAll(moved);
            val.addAll(moved);
        }
        return new Split(new ImageFolder(train), new ImageFolder(val));
    }

    /**
     * Every n-th file in name order (indices n−1, 2n−1, …) goes to validation. This is how style-cin/1's content
     * was split; it does NOT group sequences, so near copies (left03 vs left04) can land on both sides: prefer
     * {@link #split(double, long)} for new models.
     */
    public Split splitEveryNth(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("n must be at least 2: " + n);
        }
        List<Path> train = new ArrayList<>();
        List<Path> val = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            (i % n == n - 1 ? val : train).add(files.get(i));
        }
        return new Split(new ImageFolder(train), new ImageFolder(val));
    }

    /** Lower-case stem without digits, the words "left"/"right", or separators. */
    public static String sequenceKey(String fileName) {
        String stem = fileName.toLowerCase(Locale.ROOT);
        int dot = stem.lastIndexOf('.');
        if (dot > 0) {
            stem = stem.substring(0, dot);
        }
        stem = stem.replaceAll("[0-9]", "").replace("left", "").replace("right", "").replaceAll("[-_ .]+$", "");
        return stem;
    }

    /**
     * {@link #sequenceKey} that also joins name variants of one picture, for splits where a near copy on the
     * other side would leak: a stem whose part after the first separator has 3 or more letters is cut there
     * (ela_original/ela_modified, opencv-logo/opencv-logo-white, box/box_in_scene, text_defocus/text_motion;
     * photo-a/photo-b stay apart), and a single capital letter ending a camel-case stem is dropped
     * (imageTextN/imageTextR, the same page upright and rotated). It can group more than needed (pca_test1 with
     * any pca_*), which only costs split balance, never leakage.
     */
    public static String variantKey(String fileName) {
        String stem = fileName;
        int dot = stem.lastIndexOf('.');
        if (dot > 0) {
            stem = stem.substring(0, dot);
        }
        stem = stem.replaceAll("[0-9]", "").replaceAll("(?i)left|right", "").replaceAll("^[-_ .]+", "");
        int sep = 0;
        while (sep < stem.length() && "-_ .".indexOf(stem.charAt(sep)) < 0) {
            sep++;
        }
        // a qualifier word after the first separator marks a variant; "photo-a" (one letter) names a picture
        boolean qualifier = sep < stem.length() && stem.substring(sep + 1).replaceAll("[^A-Za-z]", "").length() >= 3;
        stem = qualifier ? stem.substring(0, sep) : stem.replaceAll("[-_ .]+$", "");
        int n = stem.length();
        if (n >= 3 && Character.isUpperCase(stem.charAt(n - 1)) && Character.isLowerCase(stem.charAt(n - 2))) {
            stem = stem.substring(0, n - 1);
        }
        return stem.toLowerCase(Locale.ROOT);
    }

    /** A seeded 64-bit FNV-1a hash, finalised with a SplitMix64 mix, mapped to [0, 1). */
    static double unitHash(String key, long seed) {
        long h = 0xcbf29ce484222325L ^ (seed * 0x9E3779B97F4A7C15L);
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
