package io.visionstreams.models;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.visionstreams.models.data.HomographyPairs;
import io.visionstreams.models.data.ImageFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate homography}: held-out image pairs with known homographies for the matching benchmark. */
@Command(name = "homography", mixinStandardHelpOptions = true,
        description = "Write NNNN_a.png, NNNN_b.png, NNNN_H.txt (A to B, row-major) from one side of the file-level split")
final class GenerateHomographyMain implements Callable<Integer> {

    @Option(names = "--images", required = true, description = "folder of natural images")
    Path images;
    @Option(names = "--split", defaultValue = "val", description = "val (held-out side, default), train, or all")
    String split;
    @Option(names = "--val-fraction", defaultValue = "0.2", description = "the trainer's split (default ${DEFAULT-VALUE})")
    double valFraction;
    @Option(names = "--split-seed", defaultValue = "1", description = "the trainer's split seed (default ${DEFAULT-VALUE})")
    long splitSeed;
    @Option(names = "--count", defaultValue = "24")
    int count;
    @Option(names = "--seed", defaultValue = "1")
    long seed;
    @Option(names = "--max-side", defaultValue = "640", description = "longer image side after down-scaling")
    int maxSide;
    @Option(names = "--no-photometric", description = "geometric change only")
    boolean noPhotometric;
    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        ImageFolder all = ImageFolder.of(images);
        ImageFolder.Split s = all.split(valFraction, splitSeed);
        ImageFolder chosen = switch (split) {
            case "val" -> s.validation();
            case "train" -> s.train();
            case "all" -> all;
            default -> throw new IllegalArgumentException("--split must be val, train or all, not " + split);
        };
        HomographyPairs.Options d = HomographyPairs.Options.defaults();
        HomographyPairs gen = new HomographyPairs(chosen, new HomographyPairs.Options(d.warp(), maxSide, !noPhotometric,
                d.minOverlap()));
        for (int k = 0; k < count; k++) {
            HomographyPairs.write(out, k, gen.pair(seed, k));
        }
        System.err.printf(Locale.ROOT, "wrote %d pairs from %d usable %s images (of %d) to %s%n", count,
                gen.imageCount(), split, chosen.size(), out);
        return 0;
    }
}
