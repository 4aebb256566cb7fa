package io.visionstreams.models.train;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.nn.Checkpoints;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.nn.Layers;

/** The shared training machinery: optimiser forms, averaging, init, schedules, checkpoints, early stop. */
class TrainInfraTest {

    static final class Lin extends Module {
        final LinearImpl fc = register_module("fc", Layers.linear(8, 4));

        Tensor forward(Tensor x) {
            return fc.forward(x);
        }
    }

    @Test
    void adamFirstStepMovesEveryParameterByLr() {
        manual_seed(1);
        Lin m = new Lin();
        float[] before = Export.data(m.fc.weight());
        double lr = 1e-3;
        Adam adam = Optimizers.adam(m.parameters(), lr, 0);
        adam.zero_grad();
        m.forward(randn(16, 8)).sum().backward();
        adam.step();
        float[] after = Export.data(m.fc.weight());
        for (int i = 0; i < before.length; i++) {
            // bias-corrected step 1: ŝ/√r̂ = sign(g), so |Δ| = lr for |g| ≫ ε (ε outside the root)
            assertEquals(lr, Math.abs(after[i] - before[i]), 1e-6, "param " + i);
        }
    }

    @Test
    void sgdLrCanBeSetPerStep() {
        Lin m = new Lin();
        Optimizer sgd = Optimizers.sgd(m.parameters(), 0.1, 0.9, true, 5e-4);
        Optimizers.setLr(sgd, 0.0123);
        assertEquals(0.0123, Optimizers.lr(sgd), 1e-12);
    }

    @Test
    void averageEqualsConstantWeightsAndMeanOfIteratesAfterT0() {
        Lin m = new Lin();
        WeightAverager avg = new WeightAverager(m, 3);
        float[] w0 = Export.data(m.fc.weight());
        for (int i = 0; i < 5; i++) {
            avg.update();
        }
        assertArrayEquals(w0, Export.data(avg.average(0)), 0f);
        // now iterate with known values: weights = c for steps t = 1..8 (t0 = 3): mean of iterates 4..8
        WeightAverager a2 = new WeightAverager(m, 3);
        List<Float> iterates = new ArrayList<>();
        for (int t = 1; t <= 8; t++) {
            try (NoGradGuard g = new NoGradGuard()) {
                m.fc.weight().fill_(new Scalar((double) t * t));
            }
            a2.update();
            if (t > 3) {
                iterates.add((float) t * t);
            }
        }
        double mean = iterates.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        float[] av = Export.data(a2.average(0));
        for (float v : av) {
            assertEquals(mean, v, 1e-4);
        }
        // swap in/out
        a2.swapIn();
        assertEquals(mean, Export.data(m.fc.weight())[0], 1e-4);
        a2.swapOut();
        assertEquals(64.0, Export.data(m.fc.weight())[0], 0);
    }

    @Test
    void heInitVarianceIsTwoOverFanIn() {
        manual_seed(3);
        Tensor w = randn(256, 128, 3, 3);
        Init.normal(w, Init.Scheme.HE_FAN_IN);
        double var = w.var().item_double();
        double expected = 2.0 / (128 * 9);
        assertEquals(expected, var, expected * 0.02);
        Tensor x = randn(300, 200);
        Init.normal(x, Init.Scheme.XAVIER);
        assertEquals(2.0 / 500, x.var().item_double(), 2.0 / 500 * 0.03);
    }

    @Test
    void schedulesGiveExpectedLr() {
        LrSchedule s = LrSchedule.step(0.1, 0.2, 60, 120, 160);
        assertEquals(0.1, s.lr(0), 1e-12);
        assertEquals(0.1, s.lr(59), 1e-12);
        assertEquals(0.02, s.lr(60), 1e-12);
        assertEquals(0.004, s.lr(130), 1e-12);
        assertEquals(0.0008, s.lr(500), 1e-12);
        LrSchedule c = LrSchedule.cosine(1.0, 0.0, 100);
        assertEquals(1.0, c.lr(0), 1e-12);
        assertEquals(0.5, c.lr(50), 1e-12);
        assertEquals(0.0, c.lr(100), 1e-12);
        assertEquals(0.0, c.lr(1000), 1e-12);
        assertEquals(0.02, LrSchedule.parse("step:0.2@60,120", 0.1, 200).lr(60), 1e-12);
    }

    @Test
    void checkpointRoundTripIsExact(@TempDir Path dir) throws Exception {
        manual_seed(4);
        Lin a = new Lin();
        Checkpoints.save(a, dir.resolve("c.pt"));
        Lin b = new Lin();
        Checkpoints.load(b, dir.resolve("c.pt"));
        assertArrayEquals(Export.data(a.fc.weight()), Export.data(b.fc.weight()), 0f);
        assertArrayEquals(Export.data(a.fc.bias()), Export.data(b.fc.bias()), 0f);
    }

    @Test
    void earlyStoppingStopsWhenMetricStalls() throws Exception {
        Lin m = new Lin();
        Optimizer opt = Optimizers.sgd(m.parameters(), 0.01, 0, false, 0);
        double[] metrics = {5, 4, 3, 3.5, 3.2, 3.1, 2.0, 1.0};
        int[] evals = {0};
        TrainingLoop loop = new TrainingLoop(m, opt, LrSchedule.constant(0.01), null,
                new TrainingLoop.Config(100, 2, 3, true, 16, null, false));
        TrainingLoop.Result r = loop.run(step -> m.forward(randn(16, 8)).pow(new Scalar(2)).mean(),
                () -> metrics[evals[0]++]);
        assertTrue(r.stoppedEarly());
        assertEquals(12, r.stepsRun()); // evals at 2,4,6 improve; 8,10,12 do not: patience 3
        assertEquals(3.0, r.bestMetric());
        assertEquals(6, r.bestStep());
    }

    private static void assertArrayEquals(float[] a, float[] b, float tol) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], tol, "index " + i);
        }
    }
}
