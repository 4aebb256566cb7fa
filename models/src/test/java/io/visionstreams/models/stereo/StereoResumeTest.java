package io.visionstreams.models.stereo;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.bytedeco.pytorch.TensorVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.SyntheticStereoGenerator;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.train.TrainingLoop;

/**
 * Stereo training resumes bit for bit: N steps, a checkpoint, a fresh trainer and net resumed from it, and N more
 * steps give the weights of the 2N-step run, for the strip sampler (stereo-cost/1) and the dense band sampler
 * (stereo-cost/2), at one libtorch thread and tiny sizes. A checkpoint of other options or another net is refused.
 */
class StereoResumeTest {

    private static ImageFolder train;
    private static ImageFolder val;
    private static int threadsBefore;

    @BeforeAll
    static void setUp() throws Exception {
        ImageFolder.Split s = StereoTrainerTest.sharedImages().split(0.2, 1);
        // a few textures keep each trainer's construction cheap
        train = new ImageFolder(s.train().files().subList(0, 6));
        val = new ImageFolder(s.validation().files().subList(0, 2));
        threadsBefore = get_num_threads();
        set_num_threads(1); // libtorch on CPU is bit-reproducible only at a fixed thread count
    }

    @AfterAll
    static void tearDown() {
        set_num_threads(threadsBefore);
    }

    private static StereoTrainer.Options tiny(StereoTrainer.Dense dense) {
        return StereoTrainer.Options.defaults().withSize(64, 40, 8).withSteps(6, 3).withBatch(32, 4, 3, 3e-3)
                .withValidation(1, 0).withRun(5, null, false).withDense(dense).withSchedule("cosine:1e-4");
    }

    private static StereoFeatureNet net(long initSeed, int layers) {
        manual_seed(initSeed);
        return new StereoFeatureNet(new StereoFeatureNet.Config(layers, 8, 8));
    }

    private static StereoTrainer trainer(StereoTrainer.Options o, long initSeed, int layers) {
        return new StereoTrainer(net(initSeed, layers), train, val, o);
    }

    private static void assertResumesBitForBit(StereoTrainer.Options o, Path dir) throws Exception {
        StereoFeatureNet straightNet = net(1, 3);
        StereoTrainer straight = new StereoTrainer(straightNet, train, val, o);
        TrainingLoop.Result all = straight.train();
        assertEquals(6, all.stepsRun());

        Path ckpt = dir.resolve("run.ckpt");
        StereoTrainer first = trainer(o, 1, 3);
        TrainingLoop.Result half = first.train(new StereoTrainer.Checkpointing(ckpt, 0, null, 3));
        assertEquals(3, half.stepsRun());
        // a fresh trainer (fresh pool and draw stream) and a differently initialised net: the checkpoint sets both
        StereoFeatureNet resumedNet = net(2, 3);
        StereoTrainer resumed = new StereoTrainer(resumedNet, train, val, o);
        TrainingLoop.Result rest = resumed.train(new StereoTrainer.Checkpointing(ckpt, 0, ckpt, 0));
        assertEquals(6, rest.stepsRun());

        assertEquals(all.history(), rest.history());
        assertEquals(straight.losses().subList(3, 6), resumed.losses());
        TensorVector a = straightNet.parameters();
        TensorVector b = resumedNet.parameters();
        assertEquals(a.size(), b.size());
        for (long i = 0; i < a.size(); i++) {
            assertArrayEquals(Export.data(a.get(i)), Export.data(b.get(i)), 0f, "parameter " + i);
        }
    }

    @Test
    void stripSamplerResumesBitForBit(@TempDir Path dir) throws Exception {
        assertResumesBitForBit(tiny(null), dir);
    }

    @Test
    void denseSamplerResumesBitForBit(@TempDir Path dir) throws Exception {
        assertResumesBitForBit(tiny(new StereoTrainer.Dense(2, 4, 2, StereoTrainer.Loss.SOFTMAX, 0.1)), dir);
    }

    @Test
    void checkpointOfOtherOptionsOrAnotherNetIsRefused(@TempDir Path dir) throws Exception {
        StereoTrainer.Options o = tiny(null);
        Path ckpt = dir.resolve("run.ckpt");
        trainer(o, 1, 3).train(new StereoTrainer.Checkpointing(ckpt, 0, null, 3));

        StereoTrainer.Checkpointing resume = new StereoTrainer.Checkpointing(dir.resolve("other.ckpt"), 0, ckpt, 0);
        IllegalArgumentException margin = assertThrows(IllegalArgumentException.class,
                () -> trainer(o.withMargin(0.3), 1, 3).train(resume));
        assertTrue(margin.getMessage().contains("margin=0.3") && margin.getMessage().contains("resume with the options"),
                margin.getMessage());
        IllegalArgumentException dense = assertThrows(IllegalArgumentException.class, () -> trainer(
                tiny(new StereoTrainer.Dense(2, 4, 2, StereoTrainer.Loss.SOFTMAX, 0.1)), 1, 3).train(resume));
        assertTrue(dense.getMessage().contains("dense=Dense["), dense.getMessage());
        IllegalArgumentException net = assertThrows(IllegalArgumentException.class,
                () -> trainer(o, 1, 4).train(resume));
        assertTrue(net.getMessage().contains("not of 'stereo:L4C8F8'"), net.getMessage());
    }

    /** The pool's saved position alone (no model): a restored pool draws and renders what the original does next. */
    @Test
    void restoredPoolContinuesTheStream() {
        SyntheticStereoGenerator.Options g = SyntheticStereoGenerator.Options.defaults().withSize(48, 32)
                .withMaxDisparity(8);
        StereoPairPool original = new StereoPairPool(new SyntheticStereoGenerator(train, 7, g), 3, 7);
        for (int i = 0; i < 5; i++) {
            original.refresh();
            original.pick();
            original.random().nextInt(100);
        }
        java.util.Properties saved = new java.util.Properties();
        original.save(saved);
        StereoPairPool restored = new StereoPairPool(new SyntheticStereoGenerator(train, 8, g), 3, 8);
        restored.restore(saved);
        for (int i = 0; i < 6; i++) {
            original.refresh();
            restored.refresh();
            StereoPairPool.Prepared x = original.pick();
            StereoPairPool.Prepared y = restored.pick();
            assertArrayEquals(x.pair().left(), y.pair().left(), "draw " + i);
            assertArrayEquals(x.rightStd(), y.rightStd(), 0f, "draw " + i);
            assertEquals(original.random().nextLong(), restored.random().nextLong());
        }
    }
}
