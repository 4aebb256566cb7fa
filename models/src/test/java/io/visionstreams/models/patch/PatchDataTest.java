package io.visionstreams.models.patch;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.PatchBatch;
import io.visionstreams.models.data.PatchPairGenerator;
import io.visionstreams.models.nn.Export;
import io.visionstreams.schema.ModelDescriptor;

/** The trainer's use of the data generator, the augmentation, the held-out split, the l2-hinge loss and model.json. */
class PatchDataTest {

    @TempDir
    static Path dir;

    /** Three noise images (textured everywhere) as PNG files: the generator reads folders, not arrays. */
    static ImageFolder synthetic() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        List<Path> files = new java.util.ArrayList<>();
        for (int k = 0; k < 3; k++) {
            BufferedImage img = new BufferedImage(200, 160, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 160; y++) {
                for (int x = 0; x < 200; x++) {
                    int v = r.nextInt(256);
                    img.setRGB(x, y, 0xFF000000 | v << 16 | v << 8 | v);
                }
            }
            Path f = dir.resolve("img" + k + ".png");
            ImageIO.write(img, "png", f.toFile());
            files.add(f);
        }
        return new ImageFolder(files);
    }

    @Test
    void reseededBatchesAreDeterministicAndBalanced() throws Exception {
        ImageFolder imgs = synthetic();
        PatchPairGenerator g = new PatchPairGenerator(imgs, 1);
        g.next(5); // consume some of the stream: reseed must not depend on it
        g.reseed(9);
        PatchBatch a = g.next(10);
        PatchBatch b = new PatchPairGenerator(imgs, 9).next(10);
        assertArrayEquals(a.a(), b.a());
        assertArrayEquals(a.b(), b.b());
        assertArrayEquals(a.labels(), b.labels());
        assertEquals(0.0, IntStream.range(0, 10).mapToDouble(i -> a.labels()[i]).sum());
        for (float v : a.b()) {
            assertTrue(v >= 0 && v <= 1);
        }
        // validation pairs are fixed by the seed
        assertArrayEquals(PatchTrainer.validationPairs(imgs, 6, 4).a(), PatchTrainer.validationPairs(imgs, 6, 4).a());
    }

    @Test
    void augmentationTransformsBothPatchesAlike() {
        int px = PatchOps.SIZE * PatchOps.SIZE;
        float[] p = new float[px * 6];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextDouble();
        }
        PatchBatch same = new PatchBatch(p, p.clone(), new float[] {1, 1, 1, -1, -1, -1}, 6, PatchOps.SIZE);
        PatchBatch aug = PairAugment.apply(same, new SplittableRandom(2));
        assertArrayEquals(aug.a(), aug.b()); // identical pairs stay identical whatever the transform and swap
        assertArrayEquals(same.labels(), aug.labels());
        float[] one = new float[px];
        float[] back = new float[px];
        System.arraycopy(p, 0, one, 0, one.length);
        float[] rot = new float[one.length];
        PairAugment.transform(one, 0, rot, 1, PatchOps.SIZE);
        PairAugment.transform(rot, 0, back, 3, PatchOps.SIZE); // rot90 then rot-90 is the identity
        assertArrayEquals(one, back);
    }

    @Test
    void heldOutFoldersAreDisjointFileSplitsOfAboutTheFraction() throws Exception {
        Path d = Files.createDirectories(dir.resolve("many"));
        for (int i = 0; i < 300; i++) {
            // letters only: the split groups names that differ only in digits (frames of one sequence)
            String name = "" + (char) ('a' + i % 26) + (char) ('a' + i / 26 % 26) + (char) ('a' + i / 676);
            Files.writeString(d.resolve(name + ".png"), "");
        }
        PatchTrainer.Folders f = PatchTrainer.Folders.of(d, null, 0.2, 1, io.visionstreams.models.data.ImageFolder.SplitKey.VARIANT);
        assertTrue(f.split());
        int val = f.validation().size();
        assertEquals(300, val + f.train().size());
        assertTrue(val > 20 && val < 120, "validation share " + val);
        assertTrue(f.train().files().stream().noneMatch(f.validation().files()::contains));
        // same seed, same split: the held-out side is reproducible from the card's parameters
        assertEquals(f.validation().files(), PatchTrainer.Folders.of(d, null, 0.2, 1, io.visionstreams.models.data.ImageFolder.SplitKey.VARIANT).validation().files());
        PatchTrainer.Folders explicit = PatchTrainer.Folders.of(d, d, 0.2, 1, io.visionstreams.models.data.ImageFolder.SplitKey.VARIANT);
        assertFalse(explicit.split());
        assertEquals(300, explicit.train().size());
    }

    @Test
    void l2HingeLossUsesTheMarginsOnDescriptorDistance() {
        manual_seed(3);
        PatchNets.Descriptor desc = (PatchNets.Descriptor) PatchNets.create("siam-l2", 8).descriptor();
        try (PointerScope s = new PointerScope()) {
            Tensor a = rand(4, 1, 64, 64);
            // identical patches: d = 0, so a match costs nothing and a non-match costs m_n
            Tensor match = PatchTrainer.tensor(new float[] {1, 1, 1, 1}, 4, 1);
            Tensor non = PatchTrainer.tensor(new float[] {-1, -1, -1, -1}, 4, 1);
            assertEquals(0.0, Export.data(PatchTrainer.l2Hinge(desc, a, a, match, 0.5, 1.0))[0], 1e-6);
            assertEquals(1.0, Export.data(PatchTrainer.l2Hinge(desc, a, a, non, 0.5, 1.0))[0], 1e-3);
            // margins 0 and 2 bracket every distance of unit vectors: the loss is mean(d) for matches
            Tensor b = rand(4, 1, 64, 64);
            float[] d = Export.data(desc.score(a, b));
            double mean = -(d[0] + d[1] + d[2] + d[3]) / 4;
            assertEquals(mean, Export.data(PatchTrainer.l2Hinge(desc, a, b, match, 0, 2))[0], 1e-4);
            assertEquals(2 - mean, Export.data(PatchTrainer.l2Hinge(desc, a, b, non, 0, 2))[0], 1e-4);
        }
        assertThrows(IllegalArgumentException.class, () -> PatchTrainer.Options.hinge("2ch-avg", 4, dir, 1, 2, 1e-3,
                1, 10, 1).withLoss(PatchTrainer.LOSS_L2_HINGE, 0.5, 1.0));
    }

    @Test
    void patchDescriptorModelJsonValidates() throws Exception {
        ModelDescriptor d = new ModelDescriptor("patch-siam-l2", "1", ModelDescriptor.TASK_PATCH_DESCRIPTOR,
                "model.onnx", "0".repeat(64), new ModelDescriptor.Input("patches", "NCHW", 64, 64, "GRAY", 1.0 / 255,
                List.of(0.0), List.of(1.0), false, 0), new ModelDescriptor.Outputs(null, null, null, null,
                "descriptors"), null, null, null, true);
        assertEquals(List.of(), d.problems());
        assertEquals(d, ModelDescriptor.parse(d.toJson()));
        ModelDescriptor bad = new ModelDescriptor("p", "1", ModelDescriptor.TASK_PATCH_MATCHING, "model.onnx",
                "0".repeat(64), new ModelDescriptor.Input("pairs", "NCHW", 64, 64, "GRAY", 1.0 / 255,
                List.of(0.0, 0.0, 0.0), List.of(1.0), false, 0), null, null, null, null, true);
        assertTrue(bad.problems().toString().contains("outputs.scores is missing"), bad.problems().toString());
        assertTrue(bad.problems().toString().contains("input.mean must have 1 value"), bad.problems().toString());
    }
}
