package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.visionstreams.imaging.Image;
import io.visionstreams.models.stereo.DisparityErrors;
import io.visionstreams.models.stereo.DisparitySelection;
import io.visionstreams.models.stereo.SgbmBaseline;
import io.visionstreams.models.stereo.StereoMatcher;
import io.visionstreams.models.stereo.StereoOptions;
import io.visionstreams.models.stereo.StereoResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Ours (CNN cost + SGM) against OpenCV StereoSGBM on every pair of a folder written by
 * {@code generate stereo} (NNNN_left.png, NNNN_right.png, NNNN_disp.png), same threads, same run.
 */
@Command(name = "stereo-bench", mixinStandardHelpOptions = true,
        description = "Benchmark CNN+SGM stereo against OpenCV StereoSGBM on a folder of pairs with ground truth.")
public final class StereoBenchCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, description = "Folder with NNNN_left.png, NNNN_right.png, NNNN_disp.png.")
    Path dir;

    @Option(names = "--gt-scale", defaultValue = "256", description = "Ground-truth value / scale = disparity (default: ${DEFAULT-VALUE}).")
    double gtScale;

    @Option(names = "--limit", defaultValue = "0", description = "Use at most this many pairs; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--no-sgbm", description = "Skip the OpenCV baseline.")
    boolean noSgbm;

    @Mixin
    StereoMatchOptions match;

    record Pair(String stem, Image left, Image right, float[] truth) {
    }

    @Override
    public Integer call() throws Exception {
        List<Path> lefts;
        try (Stream<Path> s = Files.list(dir)) {
            lefts = s.filter(p -> p.getFileName().toString().endsWith("_left.png")).sorted().toList();
        }
        if (limit > 0 && lefts.size() > limit) {
            lefts = lefts.subList(0, limit);
        }
        if (lefts.isEmpty()) {
            throw new IllegalArgumentException("no *_left.png in " + dir);
        }
        List<Pair> pairs = new ArrayList<>();
        for (Path l : lefts) {
            String stem = l.getFileName().toString().replace("_left.png", "");
            Image li = StereoCommand.readGray(l), ri = StereoCommand.readGray(dir.resolve(stem + "_right.png"));
            pairs.add(new Pair(stem, li, ri, StereoCommand.readTruth(dir.resolve(stem + "_disp.png"), gtScale,
                    li.width(), li.height())));
        }
        int threads = match.threadCount();
        DisparityErrors ours = DisparityErrors.EMPTY, sgbm = DisparityErrors.EMPTY;
        double oursMs = 0, sgbmMs = 0, oursDensity = 0, sgbmDensity = 0;
        double fMs = 0, cMs = 0, aMs = 0, sMs = 0, rMs = 0;
        long oursCpu = 0, sgbmCpu = 0;
        try (StereoMatcher m = match.open()) {
            Pair first = pairs.get(0);
            m.match(first.left(), first.right()); // warm-up: JIT, ORT allocations, volume allocation
            if (!noSgbm) {
                SgbmBaseline.match(first.left().pixels(), first.right().pixels(), first.left().width(),
                        first.left().height(), match.maxDisparity, threads);
            }
            System.out.printf(Locale.ROOT, "%-6s | %8s %7s %8s %8s | %8s %7s %8s %8s%n", "pair", "ours b2%", "EPE",
                    "density", "ms", "sgbm b2%", "EPE", "density", "ms");
            for (Pair p : pairs) {
                long cpu0 = processCpuNanos();
                StereoResult r = m.match(p.left(), p.right());
                oursCpu += processCpuNanos() - cpu0;
                DisparityErrors e = DisparityErrors.of(r.disparity(), p.truth(), match.maxDisparity);
                ours = ours.plus(e);
                StereoResult.Timings t = r.timings();
                oursMs += t.total();
                fMs += t.features();
                cMs += t.costVolume();
                aMs += t.aggregation();
                sMs += t.selection();
                rMs += t.resize();
                oursDensity += r.density();
                String sg = "";
                if (!noSgbm) {
                    long t0 = System.nanoTime(), sc0 = processCpuNanos();
                    float[] d = SgbmBaseline.match(p.left().pixels(), p.right().pixels(), p.left().width(),
                            p.left().height(), match.maxDisparity, threads);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    sgbmCpu += processCpuNanos() - sc0;
                    DisparityErrors es = DisparityErrors.of(d, p.truth(), match.maxDisparity);
                    sgbm = sgbm.plus(es);
                    sgbmMs += ms;
                    double dens = DisparitySelection.density(d);
                    sgbmDensity += dens;
                    sg = String.format(Locale.ROOT, "%8.2f %7.3f %7.1f%% %8.1f", es.bad2Percent(), es.epe(), 100 * dens, ms);
                }
                System.out.printf(Locale.ROOT, "%-6s | %8.2f %7.3f %7.1f%% %8.1f | %s%n", p.stem(), e.bad2Percent(), e.epe(),
                        100 * r.density(), t.total(), sg);
            }
            int n = pairs.size();
            Image im = pairs.get(0).left();
            System.out.printf(Locale.ROOT, "%n%d pairs %dx%d, D=%d, %d threads; ours = %s + %s, %d paths, scale %.2f%n", n,
                    im.width(), im.height(), match.maxDisparity, threads, m.modelName(), m.aggregator().name(),
                    m.options().paths(), m.options().scale());
            StereoOptions o = m.options();
            System.out.printf(Locale.ROOT, "P1 %.3f, P2 %.3f, contrast %s (scale %.1f), LR %s (tolerance %.1f), speckle %d px / %.1f%n",
                    o.p1(), o.p2(), o.contrastSensitive(), o.contrastScale(), o.leftRightCheck(), o.lrTolerance(),
                    o.speckleSize(), o.speckleRange());
            System.out.printf(Locale.ROOT, "| matcher | bad-2 %% | bad-2 %% (missing = bad) | EPE px | density | ms/pair |%n");
            System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|%n");
            row("CNN + SGM (ours)", ours, oursDensity / n, oursMs / n);
            if (!noSgbm) {
                row("OpenCV StereoSGBM", sgbm, sgbmDensity / n, sgbmMs / n);
                System.out.printf(Locale.ROOT, "time ratio ours/SGBM: %.2f (wall), %.2f (process CPU time)%n",
                        oursMs / sgbmMs, (double) oursCpu / sgbmCpu);
            }
            System.out.printf(Locale.ROOT, "ours per pair: features %.1f ms, cost volume %.1f ms, aggregation %.1f ms, "
                    + "WTA/LR/speckle %.1f ms, resize/convert %.1f ms%n", fMs / n, cMs / n, aMs / n, sMs / n, rMs / n);
            // CPU time of the whole process (all threads, ONNX Runtime's and OpenCV's included): on a
            // shared, oversubscribed machine wall time mostly measures the neighbours, CPU time the work
            System.out.printf(Locale.ROOT, "process CPU time per pair: ours %.1f ms%s%n", oursCpu / 1e6 / n,
                    noSgbm ? "" : String.format(Locale.ROOT, ", SGBM %.1f ms", sgbmCpu / 1e6 / n));
        }
        return 0;
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0L;
    }

    private static void row(String name, DisparityErrors e, double density, double ms) {
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.3f | %.1f%% | %.1f |%n", name, e.bad2Percent(),
                e.bad2AllPercent(), e.epe(), 100 * density, ms);
    }

}
