package io.visionstreams.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.visionstreams.models.data.DisparityIO;
import io.visionstreams.models.data.DisparityMap;
import io.visionstreams.models.data.GrayImage;
import io.visionstreams.models.data.ImageFolder;
import io.visionstreams.models.data.Images;
import io.visionstreams.models.data.SyntheticStereoGenerator;
import io.visionstreams.models.data.SyntheticStereoGenerator.StereoPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code generate stereo}: writes rectified synthetic pairs with KITTI-style ground truth for
 * benchmarking, textured only from one side of the file-level image split (validation by default,
 * so the pairs are held out from the stereo-cost training images).
 */
@Command(name = "stereo", mixinStandardHelpOptions = true,
        description = "Write synthetic stereo pairs NNNN_left.png, NNNN_right.png, NNNN_disp.png (16-bit, "
                + "disparity·256, 0 = occluded/no ground truth)")
public final class StereoGenerateMain implements Callable<Integer> {

    @Option(names = "--images", required = true, description = "folder of natural images used as textures")
    Path images;
    @Option(names = "--split", defaultValue = "val", description = "val (held out) | train | all")
    String split;
    @Option(names = "--val-fraction", defaultValue = "0.2", description = "as in training (default: ${DEFAULT-VALUE})")
    double valFraction;
    @Option(names = "--split-seed", defaultValue = "1", description = "as in training (default: ${DEFAULT-VALUE})")
    long splitSeed;
    @Option(names = "--split-key", defaultValue = "variant", description = "as in training: variant (stereo-cost/2) "
            + "| sequence (stereo-cost/1) (default: ${DEFAULT-VALUE})")
    String splitKey;
    @Option(names = "--count", defaultValue = "20")
    int count;
    @Option(names = "--width", defaultValue = "640")
    int width;
    @Option(names = "--height", defaultValue = "480")
    int height;
    @Option(names = "--max-disparity", defaultValue = "128", description = "largest disparity in the scenes")
    double maxDisparity;
    @Option(names = "--seed", defaultValue = "7")
    long seed;
    @Option(names = "--out", required = true, description = "output folder (created)")
    Path out;

    @Override
    public Integer call() throws Exception {
        ImageFolder all = ImageFolder.of(images);
        ImageFolder src = switch (split) {
            case "val" -> all.split(valFraction, splitSeed, ImageFolder.SplitKey.parse(splitKey)).validation();
            case "train" -> all.split(valFraction, splitSeed, ImageFolder.SplitKey.parse(splitKey)).train();
            case "all" -> all;
            default -> throw new IllegalArgumentException("--split must be val, train or all, got " + split);
        };
        if (src.size() == 0) {
            throw new IllegalArgumentException("no images on the " + split + " side of " + images);
        }
        SyntheticStereoGenerator gen = new SyntheticStereoGenerator(src, seed,
                SyntheticStereoGenerator.Options.defaults().withSize(width, height).withMaxDisparity(maxDisparity));
        Files.createDirectories(out);
        long occluded = 0, pixels = 0;
        for (int i = 0; i < count; i++) {
            StereoPair p = gen.next();
            String stem = String.format(Locale.ROOT, "%04d", i);
            Images.writeGray(out.resolve(stem + "_left.png"), new GrayImage(width, height, p.left()));
            Images.writeGray(out.resolve(stem + "_right.png"), new GrayImage(width, height, p.right()));
            float[] gt = p.disparity().clone();
            for (int k = 0; k < gt.length; k++) {
                if (p.occluded()[k]) {
                    gt[k] = Float.NaN; // no correspondence in the right view: written as 0 (no ground truth)
                    occluded++;
                }
            }
            pixels += gt.length;
            DisparityIO.writePng16(out.resolve(stem + "_disp.png"), new DisparityMap(width, height, gt),
                    DisparityIO.KITTI_SCALE);
        }
        System.out.printf(Locale.ROOT, "wrote %d pairs %dx%d (max disparity %.0f) to %s from %d %s images; "
                + "%.1f%% of pixels occluded (0 in _disp.png)%n", count, width, height, maxDisparity, out, src.size(),
                split, 100.0 * occluded / Math.max(1, pixels));
        return 0;
    }
}
