package io.visionstreams.models.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.visionstreams.schema.ModelDescriptor;

/** The interim pair source, the augmentation, the held-out split and the patch model.json. */
class PatchDataTest {

    static List<ImageFolder.Gray> synthetic() {
        SplittableRandom r = new SplittableRandom(3);
        return IntStream.range(0, 3).mapToObj(k -> {
            float[] px = new float[200 * 160];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) r.nextDouble();
            }
            return new ImageFolder.Gray("img" + k, 200, 160, px);
        }).toList();
    }

    @Test
    void pairsAreDeterministicAndBalanced() {
        List<ImageFolder.Gray> imgs = synthetic();
        PatchBatch a = new SimplePatchPairs(imgs, 9).next(10);
        PatchBatch b = new SimplePatchPairs(imgs, 9).next(10);
        assertArrayEquals(a.a(), b.a());
        assertArrayEquals(a.b(), b.b());
        assertEquals(0.0, IntStream.range(0, 10).mapToDouble(i -> a.labels()[i]).sum());
        for (float v : a.b()) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void augmentationTransformsBothPatchesAlike() {
        float[] p = new float[PatchBatch.PIXELS * 6];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextDouble();
        }
        PatchBatch same = new PatchBatch(6, p, p.clone(), new float[] {1, 1, 1, -1, -1, -1});
        PatchBatch aug = PairAugment.apply(same, new SplittableRandom(2));
        assertArrayEquals(aug.a(), aug.b()); // identical pairs stay identical whatever the transform and swap
        float[] one = new float[PatchBatch.PIXELS];
        float[] back = new float[PatchBatch.PIXELS];
        System.arraycopy(p, 0, one, 0, one.length);
        float[] rot = new float[one.length];
        PairAugment.transform(one, 0, rot, 1);
        PairAugment.transform(rot, 0, back, 3); // rot90 then rot-90 is the identity
        assertArrayEquals(one, back);
    }

    @Test
    void validationSplitIsByFileNameAndAboutAFifth() {
        List<Path> files = IntStream.range(0, 1000).mapToObj(i -> Path.of("dir", "img" + i + ".jpg")).toList();
        int val = ImageFolder.split(files, true).size();
        assertTrue(val > 150 && val < 250, "validation share " + val);
        assertEquals(ImageFolder.isValidation(Path.of("a", "x.png")), ImageFolder.isValidation(Path.of("b", "x.png")));
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
