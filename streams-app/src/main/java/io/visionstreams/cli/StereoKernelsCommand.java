package io.visionstreams.cli;

import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

import io.visionstreams.models.stereo.CostVolume;
import io.visionstreams.models.stereo.DisparitySelection;
import io.visionstreams.models.stereo.RowParallel;
import io.visionstreams.models.stereo.SemiGlobalMatching;
import io.visionstreams.models.stereo.SpeckleFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times the stereo stages that do not need a model (cost volume, SGM, winner-take-all, speckle
 * filter) on random features, best of N runs. Run it twice, plainly and with
 * {@code -XX:-UseSuperWord}, to see whether the JIT vectorised the inner d-loops: the ratio is the
 * SIMD gain (about 1 when a loop was not vectorised). With {@code --threads 1} everything runs on the
 * calling thread and its CPU time is reported too, which a shared, oversubscribed machine disturbs far
 * less than wall time.
 */
@Command(name = "stereo-kernels", mixinStandardHelpOptions = true,
        description = "Micro-timing of the stereo kernels on random data (no model); compare with -XX:-UseSuperWord.")
public final class StereoKernelsCommand implements Callable<Integer> {

    @Option(names = "--width", defaultValue = "640") int width;
    @Option(names = "--height", defaultValue = "480") int height;
    @Option(names = "--max-disparity", defaultValue = "128") int maxDisparity;
    @Option(names = "--channels", defaultValue = "16") int channels;
    @Option(names = "--paths", defaultValue = "4") int paths;
    @Option(names = "--threads", defaultValue = "1") int threads;
    @Option(names = "--runs", defaultValue = "5", description = "Timed runs after two warm-up runs; the best is reported.")
    int runs;

    @Override
    public Integer call() {
        int w = width, h = height, nd = maxDisparity, c = channels, plane = w * h;
        Random r = new Random(1);
        float[] left = new float[c * plane], right = new float[c * plane];
        for (int i = 0; i < left.length; i++) {
            left[i] = (float) r.nextGaussian() * 0.25f;
            right[i] = (float) r.nextGaussian() * 0.25f;
        }
        byte[] guide = new byte[plane];
        r.nextBytes(guide);
        CostVolume cost = CostVolume.allocate(w, h, nd), agg = CostVolume.allocate(w, h, nd);
        SemiGlobalMatching sgm = new SemiGlobalMatching(new SemiGlobalMatching.Params(paths, 0.05f, 0.6f, true, 16f));
        SpeckleFilter speckles = new SpeckleFilter(100, 2f);
        double bc = Double.MAX_VALUE, ba = bc, bs = bc, bf = bc;
        double[] cpu = {bc, bc, bc, bc};
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        try (RowParallel par = new RowParallel(threads)) {
            for (int i = 0; i < runs + 2; i++) {
                long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                CostVolume.cosine(left, right, c, w, h, cost, par);
                long c1 = mx.getCurrentThreadCpuTime(), t1 = System.nanoTime();
                sgm.aggregate(cost, guide, agg, par);
                long c2 = mx.getCurrentThreadCpuTime(), t2 = System.nanoTime();
                DisparitySelection.Selection s = DisparitySelection.select(agg, 1f, par);
                long c3 = mx.getCurrentThreadCpuTime(), t3 = System.nanoTime();
                speckles.apply(s.disparity(), w, h);
                long c4 = mx.getCurrentThreadCpuTime(), t4 = System.nanoTime();
                if (i >= 2) {
                    bc = Math.min(bc, (t1 - t0) / 1e6);
                    ba = Math.min(ba, (t2 - t1) / 1e6);
                    bs = Math.min(bs, (t3 - t2) / 1e6);
                    bf = Math.min(bf, (t4 - t3) / 1e6);
                    long[] cs = {c0, c1, c2, c3, c4};
                    for (int k = 0; k < 4; k++) {
                        cpu[k] = Math.min(cpu[k], (cs[k + 1] - cs[k]) / 1e6);
                    }
                }
            }
        }
        double cells = (double) plane * nd;
        System.out.printf(Locale.ROOT, "%dx%dx%d, %d channels, %d paths, %d threads, best of %d:%n", w, h, nd, c, paths,
                threads, runs);
        System.out.printf(Locale.ROOT, "cost volume %.1f ms (%.2f ns/cell), SGM %.1f ms (%.2f ns/cell/path), "
                + "WTA/LR %.1f ms, speckle %.1f ms (wall)%n", bc, bc * 1e6 / cells, ba, ba * 1e6 / cells / paths, bs, bf);
        if (threads == 1) {
            System.out.printf(Locale.ROOT, "cost volume %.1f ms (%.2f ns/cell), SGM %.1f ms (%.2f ns/cell/path), "
                    + "WTA/LR %.1f ms, speckle %.1f ms (CPU time of the one thread)%n", cpu[0], cpu[0] * 1e6 / cells,
                    cpu[1], cpu[1] * 1e6 / cells / paths, cpu[2], cpu[3]);
        }
        return 0;
    }
}
