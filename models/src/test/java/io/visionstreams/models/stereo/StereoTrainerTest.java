package io.visionstreams.models.stereo;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.train.TrainingLoop;

/** Two hundred small steps (seconds) on 96×64 pairs: the loss falls and held-out WTA bad-2 beats the untrained net. */
class StereoTrainerTest {

    /** The shared sample photos (../shared next to the repository root); skipped without them. */
    static ImageFolder sharedImages() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        assumeTrue(dir != null, "repository root not found");
        Path images = dir.resolve("../shared/data/images").normalize();
        assumeTrue(Files.isDirectory(images), "shared images absent: " + images);
        return ImageFolder.of(images);
    }

    @Test
    void shortRunLowersLossAndImprovesHeldOutBad2() throws Exception {
        ImageFolder.Split split = sharedImages().split(0.2, 1);
        manual_seed(1);
        StereoFeatureNet net = new StereoFeatureNet(new StereoFeatureNet.Config(4, 16, 16));
        StereoTrainer.Options o = StereoTrainer.Options.defaults().withSize(96, 64, 12)
                .withSteps(200, 200).withBatch(128, 6, 8, 3e-3).withValidation(4, 0).withRun(3, null, false);
        StereoTrainer t = new StereoTrainer(net, split.train(), split.validation(), o);
        StereoMetrics before = StereoTrainer.evaluate(net, t.validation(), o.numDisparities());
        TrainingLoop.Result r = t.train();
        StereoMetrics after = StereoTrainer.evaluate(net, t.validation(), o.numDisparities());
        StereoMetrics ncc = StereoTrainer.evaluateNcc(t.validation(), o.numDisparities(), 4);
        List<Double> l = t.losses();
        double first = l.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = l.subList(l.size() - 10, l.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf("stereo short run: loss %.4f -> %.4f in %.1f s%n untrained %s%n trained   %s%n NCC 9x9   %s%n",
                first, last, r.seconds(), before, after, ncc);
        assertTrue(last < first, "loss " + first + " -> " + last);
        assertTrue(after.bad2Percent() < before.bad2Percent(), "bad-2 " + before + " -> " + after);
    }

    /**
     * Dense band sampling (what stereo-cost/2 was trained with) on the variant-grouped split: the loss falls
     * and held-out WTA bad-2 beats the untrained net, with both losses.
     */
    @Test
    void denseBandsLowerLossAndImproveHeldOutBad2() throws Exception {
        ImageFolder.Split split = sharedImages().split(0.2, 1, ImageFolder::variantKey);
        for (StereoTrainer.Loss loss : StereoTrainer.Loss.values()) {
            manual_seed(1);
            StereoFeatureNet net = new StereoFeatureNet(new StereoFeatureNet.Config(4, 16, 16));
            StereoTrainer.Options o = StereoTrainer.Options.defaults().withSize(96, 64, 12)
                    .withSteps(80, 80).withBatch(128, 6, 8, 3e-3).withValidation(4, 0).withRun(3, null, false)
                    .withDense(new StereoTrainer.Dense(2, 8, 2, loss, 0.1)).withSchedule("cosine:1e-4");
            StereoTrainer t = new StereoTrainer(net, split.train(), split.validation(), o);
            StereoMetrics before = StereoTrainer.evaluate(net, t.validation(), o.numDisparities());
            t.train();
            StereoMetrics after = StereoTrainer.evaluate(net, t.validation(), o.numDisparities());
            List<Double> l = t.losses();
            double first = l.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double last = l.subList(l.size() - 10, l.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            System.out.printf("dense %s: loss %.4f -> %.4f; untrained %s; trained %s%n", loss, first, last, before, after);
            assertTrue(last < first, loss + " loss " + first + " -> " + last);
            assertTrue(after.bad2Percent() < before.bad2Percent(), loss + " bad-2 " + before + " -> " + after);
        }
    }
}
