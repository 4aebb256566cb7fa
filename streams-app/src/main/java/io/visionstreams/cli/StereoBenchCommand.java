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
 * {@code generate stereo} (NNNN_left.png, NNNN_right.png, NNNN_disp.png), same threads, same run;
 * {@code --also-models} adds more feature models with the same SGM settings, so versions compare in one run.
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

    @Option(names = "--also-models", split = ",", description = "More feature models (name/version or directory) run "
            + "with the same options on the same pairs in the same run, one table row each, e.g. stereo-cost/1.")
    List<String> alsoModels = new ArrayList<>();

    record Pair(String stem, Image left, Image right, float[] truth) {
    }

    /** Sums over the pairs for one CNN matcher. */
    private static final class Totals {
        final StereoMatcher matcher;
        DisparityErrors errors = DisparityErrors.EMPTY;
        double ms, density, fMs, cMs, aMs, sMs, rMs;
        long cpu;

        Totals(StereoMatcher matcher) {
            this.matcher = matcher;
        }
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
        DisparityErrors sgbm = DisparityErrors.EMPTY;
        double sgbmMs = 0, sgbmDensity = 0;
        long sgbmCpu = 0;
        List<Totals> cnn = new ArrayList<>();
        try {
            cnn.add(new Totals(match.open()));
            for (String m : alsoModels) {
                cnn.add(new Totals(StereoMatcher.open(m, match.runtime, match.intraOpThreads, match.options())));
            }
            Pair first = pairs.get(0);
            for (Totals t : cnn) {
                t.matcher.match(first.left(), first.right()); // warm-up: JIT, ORT allocations, volume allocation
            }
            if (!noSgbm) {
                SgbmBaseline.match(first.left().pixels(), first.right().pixels(), first.left().width(),
                        first.left().height(), match.maxDisparity, threads);
            }
            StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-6s", "pair"));
            for (int i = 0; i < cnn.size(); i++) {
                String tag = cnn.size() == 1 ? "ours" : "cnn" + (i + 1);
                header.append(String.format(Locale.ROOT, " | %8s %7s %8s %8s", tag + " b2%", "EPE", "density", "ms"));
            }
            if (!noSgbm) {
                header.append(String.format(Locale.ROOT, " | %8s %7s %8s %8s", "sgbm b2%", "EPE", "density", "ms"));
            }
            System.out.println(header);
            for (Pair p : pairs) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6s", p.stem()));
                // models take turns pair by pair, so background load falls on all of them alike
                for (Totals t : cnn) {
                    long cpu0 = processCpuNanos();
                    StereoResult r = t.matcher.match(p.left(), p.right());
                    t.cpu += processCpuNanos() - cpu0;
                    DisparityErrors e = DisparityErrors.of(r.disparity(), p.truth(), match.maxDisparity);
                    t.errors = t.errors.plus(e);
                    StereoResult.Timings tm = r.timings();
                    t.ms += tm.total();
                    t.fMs += tm.features();
                    t.cMs += tm.costVolume();
                    t.aMs += tm.aggregation();
                    t.sMs += tm.selection();
                    t.rMs += tm.resize();
                    t.density += r.density();
                    line.append(String.format(Locale.ROOT, " | %8.2f %7.3f %7.1f%% %8.1f", e.bad2Percent(), e.epe(),
                            100 * r.density(), tm.total()));
                }
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
                    line.append(String.format(Locale.ROOT, " | %8.2f %7.3f %7.1f%% %8.1f", es.bad2Percent(), es.epe(),
                            100 * dens, ms));
                }
                System.out.println(line);
            }
            int n = pairs.size();
            Image im = pairs.get(0).left();
            StereoMatcher m0 = cnn.get(0).matcher;
            System.out.printf(Locale.ROOT, "%n%d pairs %dx%d, D=%d, %d threads; CNN = features + %s, %d paths, scale %.2f%n", n,
                    im.width(), im.height(), match.maxDisparity, threads, m0.aggregator().name(), m0.options().paths(),
                    m0.options().scale());
            StereoOptions o = m0.options();
            System.out.printf(Locale.ROOT, "P1 %.3f, P2 %.3f, contrast %s (scale %.1f), LR %s (tolerance %.1f), speckle %d px / %.1f%n",
                    o.p1(), o.p2(), o.contrastSensitive(), o.contrastScale(), o.leftRightCheck(), o.lrTolerance(),
                    o.speckleSize(), o.speckleRange());
            System.out.printf(Locale.ROOT, "| matcher | bad-2 %% | bad-2 %% (missing = bad) | EPE px | density | ms/pair | process CPU ms/pair |%n");
            System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|---|%n");
            for (Totals t : cnn) {
                row(t.matcher.modelName() + " + SGM", t.errors, t.density / n, t.ms / n, t.cpu / 1e6 / n);
            }
            if (!noSgbm) {
                row("OpenCV StereoSGBM", sgbm, sgbmDensity / n, sgbmMs / n, sgbmCpu / 1e6 / n);
            }
            for (Totals t : cnn) {
                System.out.printf(Locale.ROOT, "%s per pair: features %.1f ms, cost volume %.1f ms, aggregation %.1f ms, "
                        + "WTA/LR/speckle %.1f ms, resize/convert %.1f ms%s%n", t.matcher.modelName(), t.fMs / n, t.cMs / n,
                        t.aMs / n, t.sMs / n, t.rMs / n, noSgbm ? "" : String.format(Locale.ROOT,
                                "; time ratio to SGBM %.2f (wall), %.2f (process CPU time)", t.ms / sgbmMs,
                                (double) t.cpu / sgbmCpu));
            }
            // CPU time of the whole process (all threads, ONNX Runtime's and OpenCV's included): on a
            // shared, oversubscribed machine wall time mostly measures the neighbours, CPU time the work
        } finally {
            for (Totals t : cnn) {
                t.matcher.close();
            }
        }
        return 0;
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0L;
    }

    private static void row(String name, DisparityErrors e, double density, double ms, double cpuMs) {
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.3f | %.1f%% | %.1f | %.1f |%n", name, e.bad2Percent(),
                e.bad2AllPercent(), e.epe(), 100 * density, ms, cpuMs);
    }

}
