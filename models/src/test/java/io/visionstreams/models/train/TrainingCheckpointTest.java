package io.visionstreams.models.train;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.nn.Checkpoints;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.Layers;

/** Resumable checkpoints: N steps + crash + resume + N steps equals 2N steps; bad files are refused clearly. */
class TrainingCheckpointTest {

    static final class Net extends Module {
        final LinearImpl fc1;
        final LinearImpl fc2;

        Net(int hidden) {
            fc1 = register_module("fc1", Layers.linear(8, hidden));
            fc2 = register_module("fc2", Layers.linear(hidden, 1));
        }

        Tensor forward(Tensor x) {
            return fc2.forward(fc1.forward(x).tanh());
        }
    }

    /** A run: fresh net from seed 5, SGD with momentum (state to restore) and ASGD averaging from step 2. */
    private record Run(Net net, Optimizer opt, WeightAverager avg, TrainingLoop loop) {
        static Run create(TrainingLoop.Config cfg) {
            manual_seed(5);
            Net n = new Net(6);
            Optimizer o = Optimizers.sgd(n.parameters(), 0.05, 0.9, true, 1e-3);
            WeightAverager a = new WeightAverager(n, 2);
            return new Run(n, o, a, new TrainingLoop(n, o, LrSchedule.parse("cosine:1e-3", 0.05, 8), a, cfg));
        }

        /** Data of step k is a function of k only; {@code crashAt} throws inside that step (a killed run). */
        TrainingLoop.Result train(long crashAt) throws IOException {
            return loop.run(step -> {
                if (step == crashAt) {
                    throw new IllegalStateException("simulated crash at step " + step);
                }
                manual_seed(100 + step);
                Tensor x = randn(16, 8);
                Tensor y = x.sum(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()).sin();
                return net.forward(x).sub(y).pow(new Scalar(2)).mean();
            }, () -> {
                manual_seed(7);
                Tensor x = randn(64, 8);
                return net.forward(x).pow(new Scalar(2)).mean().item_double();
            });
        }

        float[] weights() {
            float[] a = Export.data(net.fc1.weight());
            float[] b = Export.data(net.fc2.weight());
            float[] out = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }

    @Test
    void crashAndResumeGivesTheUninterruptedRun(@TempDir Path dir) throws Exception {
        set_num_threads(1);
        TrainingLoop.Config base = new TrainingLoop.Config(8, 2, 0, true, 16, null, false);
        Run straight = Run.create(base);
        TrainingLoop.Result full = straight.train(-1);

        Path ckpt = dir.resolve("run.ckpt");
        Run first = Run.create(base.withCheckpointing(ckpt, 4, null, "test"));
        assertThrows(IllegalStateException.class, () -> first.train(5)); // dies in step 6, after the step-4 checkpoint
        assertEquals(4, TrainingCheckpoint.readMeta(ckpt).step());

        Run resumed = Run.create(base.withCheckpointing(ckpt, 4, ckpt, "test"));
        TrainingLoop.Result rest = resumed.train(-1);
        assertEquals(8, rest.stepsRun());
        // single-threaded CPU: the resumed run is the same computation, bit for bit
        float[] a = straight.weights();
        float[] b = resumed.weights();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 0f, "weight " + i);
        }
        assertEquals(full.history(), rest.history(), "evaluations before the crash come back from the checkpoint");
        assertEquals(full.bestMetric(), rest.bestMetric(), 0);
        assertEquals(full.bestStep(), rest.bestStep());
    }

    @Test
    void corruptedMismatchedAndWeightsOnlyFilesAreRefusedClearly(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("run.ckpt");
        Run r = Run.create(new TrainingLoop.Config(4, 2, 0, true, 16, null, false).withCheckpointing(ckpt, 0, null, "test"));
        r.train(-1);

        byte[] good = Files.readAllBytes(ckpt);
        Path truncated = dir.resolve("truncated.ckpt");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        IOException e1 = assertThrows(IOException.class, () -> resume(truncated, "test", 6));
        assertTrue(e1.getMessage().contains("not a readable libtorch archive"), e1.getMessage());

        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> resume(ckpt, "test", 7));
        assertTrue(e2.getMessage().contains("different network") && e2.getMessage().contains("fc1.weight"),
                e2.getMessage());

        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> resume(ckpt, "other", 6));
        assertTrue(e3.getMessage().contains("of 'test', not of 'other'"), e3.getMessage());

        Path weightsOnly = dir.resolve("best.pt");
        Checkpoints.save(r.net(), weightsOnly);
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class, () -> resume(weightsOnly, "test", 6));
        assertTrue(e4.getMessage().contains("weights only"), e4.getMessage());

        // options the resumed run must share (here: a learning rate) are compared before training continues
        Path opts = dir.resolve("opts.ckpt");
        Run withLr = Run.create(new TrainingLoop.Config(4, 2, 0, true, 16, null, false)
                .withCheckpointing(opts, 0, null, "test").withStopAfter(2));
        withLr.loop().requireSame("options", "lr=0.05");
        withLr.train(-1);
        Run otherLr = Run.create(new TrainingLoop.Config(4, 2, 0, true, 16, null, false)
                .withCheckpointing(opts, 0, opts, "test"));
        otherLr.loop().requireSame("options", "lr=0.1");
        IllegalArgumentException e5 = assertThrows(IllegalArgumentException.class, () -> otherLr.train(-1));
        assertTrue(e5.getMessage().contains("'lr=0.05', this run has 'lr=0.1'"), e5.getMessage());

        // commands that only need weights take either file
        manual_seed(9);
        Net n = new Net(6);
        Checkpoints.load(n, ckpt);
        assertEquals(Arrays.toString(r.weights()), Arrays.toString(new Run(n, null, null, null).weights()));
    }

    private static void resume(Path file, String kind, int hidden) throws IOException {
        Net n = new Net(hidden);
        TrainingCheckpoint.load(file, kind, n, Optimizers.sgd(n.parameters(), 0.1, 0.9, false, 0), null);
    }
}
