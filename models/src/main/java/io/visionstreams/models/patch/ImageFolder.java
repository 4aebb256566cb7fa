package io.visionstreams.models.patch;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

/**
 * Lists images in a folder, splits them by file into train/validation (so validation pairs never
 * come from a training image), and loads them as grayscale [0, 1].
 */
public final class ImageFolder {

    /** Percentage of files (by a CRC32 of the file name) that go to validation. */
    public static final int VALIDATION_PERCENT = 20;

    public record Gray(String name, int width, int height, float[] pixels) {
    }

    private ImageFolder() {
    }

    public static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
            }).sorted().toList();
        }
    }

    /** Deterministic: depends only on the file name. */
    public static boolean isValidation(Path file) {
        CRC32 crc = new CRC32();
        crc.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 100 < VALIDATION_PERCENT;
    }

    public static List<Path> split(List<Path> files, boolean validation) {
        return files.stream().filter(f -> isValidation(f) == validation).toList();
    }

    /** Loads as luma (BT.601) in [0, 1]; images smaller than minSide on either side are skipped. */
    public static List<Gray> load(List<Path> files, int minSide) throws IOException {
        List<Gray> out = new ArrayList<>();
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null || img.getWidth() < minSide || img.getHeight() < minSide) {
                continue;
            }
            int w = img.getWidth();
            int h = img.getHeight();
            float[] px = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    px[y * w + x] = (0.299f * ((rgb >> 16) & 255) + 0.587f * ((rgb >> 8) & 255) + 0.114f * (rgb & 255))
                            / 255f;
                }
            }
            out.add(new Gray(f.getFileName().toString(), w, h, px));
        }
        return out;
    }
}
