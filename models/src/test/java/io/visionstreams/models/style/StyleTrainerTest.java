package io.visionstreams.models.style;

import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/** A few dozen steps on 32×32 crops of synthetic images: the loss falls, the held-out split holds, export matches. */
class StyleTrainerTest {

    /** Smooth random blobs (content) — hermetic, no shared data needed. */
    static Path blobs(Path dir, String name, long seed) throws Exception {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        double fx = 0.05 + r.nextDouble() * 0.2;
        double fy = 0.05 + r.nextDouble() * 0.2;
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                int v = (int) (127 + 120 * Math.sin(fx * x) * Math.cos(fy * y));
                img.setRGB(x, y, (v << 16) | ((255 - v) << 8) | (v / 2));
            }
        }
        Path f = dir.resolve(name);
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    /** Hard-edged coloured stripes (a "style" with very different statistics). */
    static Path stripes(Path dir, String name, int colour, int period) throws Exception {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, ((x + y) / period) % 2 == 0 ? colour : 0x101010);
            }
        }
        Path f = dir.resolve(name);
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    @Test
    void lossFallsAndExportMatches(@TempDir Path dir) throws Exception {
        Path content = dir.resolve("content");
        java.nio.file.Files.createDirectories(content);
        for (int i = 0; i < 10; i++) {
            blobs(content, "blob-" + (char) ('a' + i) + ".png", i);
        }
        List<Path> styles = new ArrayList<>(List.of(stripes(dir, "red.png", 0xE02020, 4),
                stripes(dir, "blue.png", 0x2040F0, 8)));
        StyleTrainer.Config cfg = StyleTrainer.Config.defaults(content, styles).withSteps(40, 32, 2, 1, 5);
        StyleTrainer t = new StyleTrainer(cfg);
        assertEquals(10, t.content().train().size() + t.content().validation().size());
        assertTrue(t.content().validation().size() >= 1 && t.content().train().size() >= 5, "" + t.content());
        t.train(step -> { });
        StyleTrainer.Losses first = t.recentMean(0, 8);
        StyleTrainer.Losses last = t.recentMean(32, 40);
        System.out.println("style trainer test: first 8 steps " + first + ", last 8 " + last);
        assertTrue(last.total() < 0.8 * first.total(), "loss falls: " + first + " -> " + last);

        byte[] onnx = StyleExport.toOnnx(t.net(), Map.of());
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(onnx, StyleExport.options(1));
             PointerScope scope = new PointerScope()) {
            double p = StyleExport.parity(t.net(), s, randn(1, 3, 32, 48), StyleTrainer.oneHot(new int[] {1}, 2));
            assertTrue(p < 1e-4, "parity after training " + p);
            // the exported model evaluated through ORT (--compare-with) scores like the libtorch net it came from
            List<StyleEval.Row> rows = StyleEval.evaluate(t, new StyleNet(2, 1, 5), t.heldOutCrops(1, 99), StyleEval.onnx(s));
            for (StyleEval.Row r : rows) {
                assertEquals(r.stylised().gram(), r.compared().gram(), 1e-3 * r.stylised().gram() + 1e-9, r.style());
                assertEquals(r.stylised().content(), r.compared().content(), 1e-3 * r.stylised().content() + 1e-9);
            }
            assertTrue(StyleEval.table(rows, "v0 (ORT)").contains("| v0 (ORT) |"));
        }
    }

    @Test
    void stopThenResumeEqualsTheUninterruptedRun(@TempDir Path dir) throws Exception {
        Path content = dir.resolve("content");
        java.nio.file.Files.createDirectories(content);
        for (int i = 0; i < 8; i++) {
            blobs(content, "blob-" + (char) ('a' + i) + ".png", i);
        }
        List<Path> styles = List.of(stripes(dir, "red.png", 0xE02020, 4), stripes(dir, "blue.png", 0x2040F0, 8));
        StyleTrainer.Config d = StyleTrainer.Config.defaults(content, styles);
        // one thread: libtorch's CPU kernels are then bit-reproducible
        StyleTrainer.Config cfg = new StyleTrainer.Config(content, styles, 6, 32, 2, 1, 5, d.lossSeed(), 64, d.lr(),
                d.contentWeight(), d.styleWeight(), d.tvWeight(), 1, d.contentSplit(), List.of());
        StyleTrainer straight = new StyleTrainer(cfg);
        straight.train(step -> { });

        Path ckpt = dir.resolve("style.ckpt");
        StyleTrainer first = new StyleTrainer(cfg);
        first.train(step -> {
            if (step == 3) {
                first.stop(); // as --max-minutes does
            }
        }, new StyleTrainer.Checkpointing(ckpt, 0, null));
        assertEquals(3, first.history().size());

        StyleTrainer resumed = new StyleTrainer(cfg);
        resumed.train(step -> { }, new StyleTrainer.Checkpointing(ckpt, 0, ckpt));
        assertEquals(straight.history(), resumed.history());
        float[] a = io.visionstreams.models.nn.Export.data(straight.net().parameters().get(0));
        float[] b = io.visionstreams.models.nn.Export.data(resumed.net().parameters().get(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 0f);

        // a checkpoint of other styles is refused before anything is loaded
        StyleTrainer other = new StyleTrainer(new StyleTrainer.Config(content, List.of(styles.get(0)), 6, 32, 2, 1, 5,
                d.lossSeed(), 64, d.lr(), d.contentWeight(), d.styleWeight(), d.tvWeight(), 1, d.contentSplit(), List.of()));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> other.train(step -> { }, new StyleTrainer.Checkpointing(null, 0, ckpt)));
        assertTrue(e.getMessage().contains("not of 'style:cin/red/w1'"), e.getMessage());
    }

    /** A style with weight 0 adds nothing to the objective; the reported style loss stays the unweighted one. */
    @Test
    void perStyleWeightsScaleOnlyTheirStyle(@TempDir Path dir) throws Exception {
        Path content = dir.resolve("content");
        java.nio.file.Files.createDirectories(content);
        for (int i = 0; i < 6; i++) {
            blobs(content, "blob-" + (char) ('a' + i) + ".png", i);
        }
        List<Path> styles = List.of(stripes(dir, "red.png", 0xE02020, 4), stripes(dir, "blue.png", 0x2040F0, 8));
        StyleTrainer.Config base = StyleTrainer.Config.defaults(content, styles).withSteps(1, 32, 2, 1, 5);
        StyleTrainer equal = new StyleTrainer(base);
        StyleTrainer weighted = new StyleTrainer(base.withStyleWeights(List.of(2.0, 0.0)));
        try (PointerScope scope = new PointerScope()) {
            org.bytedeco.pytorch.Tensor c = StyleTrainer.batch(equal.trainCrops().next(2));
            for (int s = 0; s < 2; s++) {
                org.bytedeco.pytorch.Tensor w = StyleTrainer.oneHot(new int[] {s, s}, 2);
                org.bytedeco.pytorch.Tensor[] a = equal.losses(equal.net(), c, w);
                org.bytedeco.pytorch.Tensor[] b = weighted.losses(equal.net(), c, w);
                double rest = a[1].item_float() * base.contentWeight() + a[3].item_float() * base.tvWeight();
                double style = a[2].item_float();
                assertTrue(style > 1e-3, "a style loss to weight: " + style);
                assertEquals(style, b[2].item_float(), 1e-6 * Math.max(1, style), "reported style loss is unweighted");
                assertEquals(rest + base.styleWeight() * style, a[0].item_float(), 1e-4 * a[0].item_float());
                double factor = s == 0 ? 2.0 : 0.0;
                assertEquals(rest + factor * base.styleWeight() * style, b[0].item_float(), 1e-4 * a[0].item_float(),
                        "style " + s + " weighted by " + factor);
            }
        }
    }

    @Test
    void styleWeightsNeedOneNonNegativeValuePerStyle() {
        StyleTrainer.Config base = StyleTrainer.Config.defaults(Path.of("c"), List.of(Path.of("a.png"), Path.of("b.png")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> base.withStyleWeights(List.of(1.0)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> base.withStyleWeights(List.of(1.0, -0.5)));
        assertEquals(3.0, base.withStyleWeights(List.of(1.0, 0.3)).styleWeightOf(1), 1e-12);
        assertEquals(10.0, base.styleWeightOf(1), 1e-12);
    }

    /**
     * Solid-colour content files, so a crop's colour names its file: the trainer's crops come from the training
     * side of the split only, and the held-out evaluation crops from the held-out side only, for both splits.
     */
    @Test
    void noHeldOutContentReachesTraining(@TempDir Path dir) throws Exception {
        Path content = dir.resolve("content");
        java.nio.file.Files.createDirectories(content);
        for (int k = 0; k < 15; k++) {
            BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 48; x++) {
                    img.setRGB(x, y, (12 * k) << 16 | 0x4080);
                }
            }
            ImageIO.write(img, "png", content.resolve("photo-" + (char) ('a' + k) + ".png").toFile());
        }
        Path style = stripes(dir, "red.png", 0xE02020, 4);
        for (StyleTrainer.ContentSplit split : StyleTrainer.ContentSplit.values()) {
            StyleTrainer t = new StyleTrainer(StyleTrainer.Config.defaults(content, List.of(style)).withSteps(1, 32, 2, 1, 3)
                    .withContentSplit(split));
            java.util.Set<Integer> train = reds(t.content().train());
            java.util.Set<Integer> held = reds(t.content().validation());
            assertEquals(15, train.size() + held.size(), split + ": every file on exactly one side");
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (io.visionstreams.models.data.RgbImage c : t.trainCrops().next(100)) {
                assertTrue(train.contains(c.get(0, 0, 0)), split + ": a training crop from a held-out file");
                seen.add(c.get(0, 0, 0));
            }
            assertEquals(train, seen, split + ": every training file is used");
            try (PointerScope scope = new PointerScope()) {
                float[] v = io.visionstreams.models.nn.Export.data(t.heldOutCrops(1, 99));
                java.util.Set<Integer> evalReds = new java.util.HashSet<>();
                for (int i = 0; i < v.length; i += 3 * 32 * 32) {
                    evalReds.add((int) Math.round((v[i] * StyleImages.STD + StyleImages.MEAN) * 255));
                }
                assertEquals(held, evalReds, split + ": evaluation crops are the held-out files");
            }
        }
    }

    private static java.util.Set<Integer> reds(io.visionstreams.models.data.ImageFolder f) {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        for (int i = 0; i < f.size(); i++) {
            out.add(f.loadRgb(i).get(0, 0, 0));
        }
        return out;
    }
}
