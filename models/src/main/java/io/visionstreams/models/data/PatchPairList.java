package io.visionstreams.models.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * User-supplied patch-pair lists.
 *
 * <p>Simple format, one pair per line, whitespace-separated:
 * <pre>
 * # comment
 * pathA xA yA pathB xB yB label
 * </pre>
 * Paths are relative to the list file's folder (or absolute) and may not contain spaces; (x, y) is the
 * patch centre in pixels, with the generator's convention that patch pixel (i, j) reads image pixel
 * (x + i − size/2, y + j − size/2); label is 1 / +1 for a match and −1 / 0 for a non-match.
 *
 * <p>Brown/UBC format ({@code m50_*.txt}): "patchID1 3Dpoint1 unused patchID2 3Dpoint2 unused"; a pair
 * matches when the two 3D point ids agree. Only the pair list is read here: the benchmark's patch
 * bitmaps (16×16 grids of 64×64 patches) are not.
 */
public final class PatchPairList {

    public record Entry(Path imageA, double xA, double yA, Path imageB, double xB, double yB, int label) {
    }

    public record BrownPair(int patch1, int point1, int patch2, int point2) {
        public int label() {
            return point1 == point2 ? 1 : -1;
        }
    }

    private PatchPairList() {
    }

    public static List<Entry> read(Path listFile) throws IOException {
        Path base = listFile.toAbsolutePath().getParent();
        List<Entry> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(listFile)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            if (f.length != 7) {
                throw new IOException(listFile + ":" + lineNo + ": expected 'pathA xA yA pathB xB yB label'");
            }
            try {
                int label = Integer.parseInt(f[6].startsWith("+") ? f[6].substring(1) : f[6]);
                if (label != 1 && label != 0 && label != -1) {
                    throw new IOException(listFile + ":" + lineNo + ": label must be 1, 0 or -1");
                }
                out.add(new Entry(base.resolve(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        base.resolve(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), label == 1 ? 1 : -1));
            } catch (NumberFormatException e) {
                throw new IOException(listFile + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Writes entries with paths relative to the list file's folder where possible. */
    public static void write(Path listFile, List<Entry> entries) throws IOException {
        Path base = listFile.toAbsolutePath().getParent();
        StringBuilder sb = new StringBuilder("# pathA xA yA pathB xB yB label\n");
        for (Entry e : entries) {
            sb.append(rel(base, e.imageA())).append(' ').append(e.xA()).append(' ').append(e.yA()).append(' ')
                    .append(rel(base, e.imageB())).append(' ').append(e.xB()).append(' ').append(e.yB()).append(' ')
                    .append(e.label()).append('\n');
        }
        Files.writeString(listFile, sb);
    }

    public static List<BrownPair> readBrown(Path m50File) throws IOException {
        List<BrownPair> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(m50File)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            String[] f = t.split("\\s+");
            if (f.length < 5) {
                throw new IOException(m50File + ":" + lineNo + ": expected 'patchID1 3Dpoint1 unused patchID2 3Dpoint2 unused'");
            }
            out.add(new BrownPair(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[3]), Integer.parseInt(f[4])));
        }
        return out;
    }

    /**
     * A source over a list: pairs come in a seeded random order, reshuffled after each pass, patches
     * sampled (bilinear, border clamped) from gray images loaded once and cached.
     */
    public static PatchPairSource source(List<Entry> entries, int size, long seed) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("empty patch-pair list");
        }
        Random rng = new Random(seed);
        Map<Path, GrayImage> gray = new HashMap<>();
        Map<Path, float[]> pix = new HashMap<>();
        int[] order = new int[entries.size()];
        int[] pos = {order.length};
        return n -> {
            int area = size * size;
            float[] a = new float[n * area], b = new float[n * area], labels = new float[n];
            for (int i = 0; i < n; i++) {
                if (pos[0] == order.length) {
                    for (int k = 0; k < order.length; k++) {
                        order[k] = k;
                    }
                    for (int k = order.length - 1; k > 0; k--) {
                        int j = rng.nextInt(k + 1), t = order[k];
                        order[k] = order[j];
                        order[j] = t;
                    }
                    pos[0] = 0;
                }
                Entry e = entries.get(order[pos[0]++]);
                cut(e.imageA(), e.xA(), e.yA(), size, a, i * area, gray, pix);
                cut(e.imageB(), e.xB(), e.yB(), size, b, i * area, gray, pix);
                labels[i] = e.label();
            }
            return new PatchBatch(a, b, labels, n, size);
        };
    }

    private static void cut(Path file, double cx, double cy, int size, float[] out, int off, Map<Path, GrayImage> gray,
                            Map<Path, float[]> pix) {
        GrayImage g = gray.computeIfAbsent(file, Images::readGray);
        float[] p = pix.computeIfAbsent(file, f -> g.toFloat());
        for (int j = 0; j < size; j++) {
            for (int i = 0; i < size; i++) {
                out[off + j * size + i] = PatchPairGenerator.bilinear(p, g.width(), g.height(), cx + i - size / 2, cy + j - size / 2);
            }
        }
    }

    private static String rel(Path base, Path p) {
        Path abs = p.toAbsolutePath();
        return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
    }
}
