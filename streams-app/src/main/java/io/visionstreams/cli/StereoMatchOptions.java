package io.visionstreams.cli;

import io.visionstreams.models.stereo.StereoMatcher;
import io.visionstreams.models.stereo.StereoOptions;
import picocli.CommandLine.Option;

/** Matching options shared by {@code stereo} and {@code stereo-bench}. */
public final class StereoMatchOptions {

    @Option(names = "--max-disparity", required = true, description = "Disparities 0..D-1 are searched (pixels at the input size).")
    int maxDisparity;

    @Option(names = "--paths", defaultValue = "4", description = "SGM paths: 4 or 8 (default: ${DEFAULT-VALUE}).")
    int paths;

    @Option(names = "--p1", description = "SGM penalty for a ±1 disparity step, in cost units (1 - cos) (default: " + StereoOptions.DEFAULT_P1 + ").")
    Float p1;

    @Option(names = "--p2", description = "SGM penalty for larger jumps, at most 3.99 (default: " + StereoOptions.DEFAULT_P2 + ").")
    Float p2;

    @Option(names = "--no-contrast", description = "Constant P2 (default: P2 / (1 + |ΔI|/contrast-scale), cheaper jumps at image edges).")
    boolean noContrast;

    @Option(names = "--contrast-scale", description = "Gray-level step that halves P2 (default: " + StereoOptions.DEFAULT_CONTRAST_SCALE + ").")
    Float contrastScale;

    @Option(names = "--scale", description = "Match at this fraction of the size, then upsample; 1 = full resolution (default: "
            + StereoOptions.DEFAULT_SCALE + ").")
    Double scale;

    @Option(names = "--no-lr-check", description = "Keep pixels whose left and right disparities disagree.")
    boolean noLrCheck;

    @Option(names = "--lr-tolerance", description = "Allowed left/right disagreement in px at the processing scale (default: " + StereoOptions.DEFAULT_LR_TOLERANCE + ").")
    Float lrTolerance;

    @Option(names = "--speckle-size", description = "Invalidate connected regions smaller than this many px (input size); 0 = off (default: " + StereoOptions.DEFAULT_SPECKLE_SIZE + ").")
    Integer speckleSize;

    @Option(names = "--speckle-range", description = "Disparity step in px (input size) that still joins two neighbours of a region (default: " + StereoOptions.DEFAULT_SPECKLE_RANGE + ").")
    Float speckleRange;

    @Option(names = "--threads", defaultValue = "0", description = "Matching threads; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--model", defaultValue = StereoMatcher.DEFAULT_MODEL,
            description = "Feature model: bundled name/version or a directory with model.json (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--runtime", defaultValue = "auto", description = "auto, cpu or tensorrt (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--intra-op-threads", defaultValue = "0",
            description = "ONNX Runtime threads per operator; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int intraOpThreads;

    int threadCount() {
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    StereoOptions options() {
        StereoOptions d = StereoOptions.defaults(maxDisparity);
        return d.withPaths(paths)
                .withPenalties(p1 != null ? p1 : d.p1(), p2 != null ? p2 : d.p2())
                .withContrast(!noContrast, contrastScale != null ? contrastScale : d.contrastScale())
                .withScale(scale != null ? scale : d.scale())
                .withLeftRightCheck(!noLrCheck)
                .withLrTolerance(lrTolerance != null ? lrTolerance : d.lrTolerance())
                .withSpeckle(speckleSize != null ? speckleSize : d.speckleSize(),
                        speckleRange != null ? speckleRange : d.speckleRange())
                .withThreads(threadCount());
    }

    StereoMatcher open() throws Exception {
        return StereoMatcher.open(model, runtime, intraOpThreads, options());
    }
}
