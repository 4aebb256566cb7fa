package io.visionstreams.models.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.visionstreams.models.train.TrainingLoop;

/** A short real training run on natural-image pairs: loss falls, held-out FPR95 beats untrained. */
class PatchTrainingTest {

    /** ../shared/data/images next to the repository root (the shared data checkout), if present. */
    static Path sharedImages() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        return p == null ? null : p.resolve("../shared/data/images").normalize();
    }

    @Test
    void shortRunLearns() throws Exception {
        Path images = sharedImages();
        assumeTrue(images != null && Files.isDirectory(images), "shared images not available");
        PatchTrainer.Options o = PatchTrainer.Options.hinge("2ch-avg", 4, images, 60, 32, 1e-3, 7, 400, 20);
        PatchTrainer.Outcome r = PatchTrainer.train(o);
        List<TrainingLoop.Eval> h = r.result().history();
        assertEquals(3, h.size());
        assertTrue(h.get(2).trainLoss() < h.get(0).trainLoss(), "loss falls: " + h);
        assertTrue(r.fprTrained() < r.fprUntrained(), "trained " + r.fprTrained() + " vs untrained " + r.fprUntrained());
        // held-out images are disjoint from the training images
        assertTrue(r.trainFiles().stream().noneMatch(r.valFiles()::contains));
        System.err.printf("FPR95 untrained %.2f trained %.2f ncc %.2f history %s%n", r.fprUntrained(), r.fprTrained(),
                r.fprNcc(), h);
    }

    @Test
    void stopThenResumeEqualsTheUninterruptedRun(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path images = sharedImages();
        assumeTrue(images != null && Files.isDirectory(images), "shared images not available");
        // ASGD (SGD momentum + averaging from step 2): momentum buffers and the average must survive the resume
        PatchTrainer.Options base = PatchTrainer.Options.hinge("2ch-avg", 8, images, 4, 8, 1e-2, 3, 40, 2)
                .withOptimizer("asgd", 2, 1);
        PatchTrainer.Outcome straight = PatchTrainer.train(base.withCheckpoints(dir.resolve("a"), null, 0, null, 0));

        Path ckpt = dir.resolve("b/run.ckpt");
        PatchTrainer.Outcome half = PatchTrainer.train(base.withCheckpoints(dir.resolve("b"), ckpt, 0, null, 2));
        assertEquals(2, half.result().stepsRun());
        PatchTrainer.Outcome resumed = PatchTrainer.train(base.withCheckpoints(dir.resolve("c"), ckpt, 0, ckpt, 0));
        assertEquals(4, resumed.result().stepsRun());
        assertEquals(straight.result().history(), resumed.result().history());
        assertEquals(straight.fprTrained(), resumed.fprTrained(), 0);
        float[] a = io.visionstreams.models.nn.Export.data(straight.net().parameters().get(0));
        float[] b = io.visionstreams.models.nn.Export.data(resumed.net().parameters().get(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 0f);
        // another architecture's checkpoint is refused with the reason
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PatchTrainer.train(PatchTrainer.Options.hinge("2ch", 8, images, 4, 8, 1e-2, 3, 40, 2)
                        .withCheckpoints(dir.resolve("d"), null, 0, ckpt, 0)));
        assertTrue(e.getMessage().contains("not of 'patch:2ch/8/hinge'"), e.getMessage());
    }

    @Test
    void descriptorLossTrainsTheBranch() throws Exception {
        Path images = sharedImages();
        assumeTrue(images != null && Files.isDirectory(images), "shared images not available");
        PatchTrainer.Options o = PatchTrainer.Options.hinge("siam-l2", 4, images, 40, 32, 1e-3, 7, 400, 20)
                .withLoss(PatchTrainer.LOSS_L2_HINGE, 0.5, 1.0);
        PatchTrainer.Outcome r = PatchTrainer.train(o);
        List<TrainingLoop.Eval> h = r.result().history();
        assertEquals(2, h.size());
        assertTrue(h.get(1).trainLoss() < h.get(0).trainLoss(), "loss falls: " + h);
        assertTrue(Double.isFinite(r.fprTrained()) && Double.isNaN(r.fprTrainedSymmetric()));
        System.err.printf("l2-hinge FPR95 untrained %.2f trained %.2f ncc %.2f history %s%n", r.fprUntrained(),
                r.fprTrained(), r.fprNcc(), h);
    }

    @Test
    void fpr95MatchesTheReferenceDefinition() {
        // 20 positives, 20 negatives; positives score 1..20, negatives 0.5..19.5 interleaved
        float[] s = new float[40];
        boolean[] pos = new boolean[40];
        for (int i = 0; i < 20; i++) {
            s[i] = i + 1;
            pos[i] = true;
            s[20 + i] = i + 0.5f;
        }
        // TPR reaches 0.95 (19 of 20) at score 2, where 18 negatives (2.5..19.5) are above: FPR 0.90
        assertEquals(90.0, Metrics.fpr95(s, pos), 1e-9);
        // ties are processed together: all equal scores give the single point (1, 1), interpolated from (0, 0)
        float[] tied = new float[40];
        assertEquals(95.0, Metrics.fpr95(tied, pos), 1e-9);
        // interpolation between bracketing points: 10 positives, tie groups skip over TPR 0.95
        float[] t2 = {10, 9, 9, 8, 7, 6, 5, 4, 3, 2, 2, 1, 1, 0.5f};
        boolean[] p2 = {true, true, true, true, true, true, true, true, false, false, true, true, false, false};
        // TPR: 0.1@10, 0.3@9, 0.4@8 ... 0.8@4, (3: fp) 0.8/FPR .25, @2: tp 9 fp 2 → 0.9/0.5, @1: 1.0/0.75
        // 0.95 between (0.9, 0.5) and (1.0, 0.75): 0.625
        assertEquals(62.5, Metrics.fpr95(t2, p2), 1e-9);
        assertEquals(1.0f, Metrics.ncc(new float[] {1, 2, 3}, 0, new float[] {2, 4, 6}, 0, 3), 1e-6);
    }
}
