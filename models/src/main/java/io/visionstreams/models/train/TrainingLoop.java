package io.visionstreams.models.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;

import io.visionstreams.models.nn.Checkpoints;

/**
 * A small, general training driver: steps with one PointerScope each (platform notes §6.3), a
 * learning-rate schedule, optional ASGD averaging, periodic validation on a task metric, early
 * stopping with patience, the best weights ({@code best.pt}), a resumable {@link TrainingCheckpoint}
 * (every N steps or after every evaluation; continued only when {@code resumeFrom} names it), and a
 * one-line progress bar on stderr.
 *
 * <p>Determinism is the caller's: seed libtorch (manual_seed) and derive each step's data from
 * (seed, step), so a run and a resumed run see the same batches.
 */
public final class TrainingLoop {

    /** Computes the loss for a step (forward only); the loop does backward and the optimiser step. */
    @FunctionalInterface
    public interface StepLoss {
        Tensor loss(long step);
    }

    /** Validation metric on the weights currently in the module (module is in eval mode). */
    @FunctionalInterface
    public interface Validator {
        double evaluate();
    }

    /**
     * @param checkpointDir   where {@code best.pt} (the best evaluated weights) goes; null = nowhere
     * @param checkpointFile  the resumable {@link TrainingCheckpoint}; null = {@code checkpointDir/last.ckpt} (or
     *                        none without a directory)
     * @param checkpointEvery write it every this many steps; 0 = after every evaluation (and always at the end)
     * @param resumeFrom      a checkpoint written by an earlier run with the same options to continue from; null =
     *                        start fresh (an existing checkpoint is never picked up implicitly)
     * @param kind            trainer family and architecture, stored in the checkpoint and checked on resume
     * @param stopAfter       > 0: end after this step of the schedule with a checkpoint written (to split a long run
     *                        over sessions; continue with resumeFrom); 0 = run to totalSteps
     */
    public record Config(long totalSteps, long evalEvery, int patience, boolean lowerIsBetter, int samplesPerStep,
                         Path checkpointDir, boolean progress, Path checkpointFile, long checkpointEvery,
                         Path resumeFrom, String kind, long stopAfter) {
        public Config {
            if (totalSteps <= 0 || evalEvery <= 0) {
                throw new IllegalArgumentException("totalSteps and evalEvery must be positive");
            }
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException("checkpointEvery must be >= 0");
            }
            if (checkpointFile == null && checkpointDir != null) {
                checkpointFile = checkpointDir.resolve(LAST);
            }
            kind = kind == null ? "training-loop" : kind;
            if (stopAfter > 0 && checkpointFile == null) {
                throw new IllegalArgumentException("stopping early needs a checkpoint file to resume from");
            }
        }

        /** Best weights in {@code checkpointDir}, the resumable checkpoint after every evaluation, no resume. */
        public Config(long totalSteps, long evalEvery, int patience, boolean lowerIsBetter, int samplesPerStep,
                      Path checkpointDir, boolean progress) {
            this(totalSteps, evalEvery, patience, lowerIsBetter, samplesPerStep, checkpointDir, progress, null, 0, null,
                    null, 0);
        }

        public Config withCheckpointing(Path file, long every, Path resume, String trainerKind) {
            return new Config(totalSteps, evalEvery, patience, lowerIsBetter, samplesPerStep, checkpointDir, progress,
                    file, every, resume, trainerKind, stopAfter);
        }

        public Config withStopAfter(long step) {
            return new Config(totalSteps, evalEvery, patience, lowerIsBetter, samplesPerStep, checkpointDir, progress,
                    checkpointFile, checkpointEvery, resumeFrom, kind, step);
        }
    }

    /**
     * The position of a stateful data stream, saved into and restored from the checkpoint's text section. Trainers
     * whose batch k is a function of (seed, k) need none: the step is the position.
     */
    public interface DataState {
        void save(Properties into);

        void restore(Properties from);
    }

    public record Eval(long step, double trainLoss, double metric, double lr) {
    }

    /** {@code stepsRun}: steps completed in total (a resumed run counts the steps before the resume). */
    public record Result(long stepsRun, double bestMetric, long bestStep, boolean stoppedEarly, double seconds,
                         List<Eval> history) {
    }

    public static final String BEST = "best.pt";
    /** Default resumable checkpoint in the checkpoint directory. */
    public static final String LAST = "last.ckpt";

    private final Module module;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final WeightAverager averager; // may be null
    private final Config cfg;
    private PrintStream err = System.err;
    private DataState dataState;
    private final Properties extraMeta = new Properties();
    private final List<String> mustMatch = new ArrayList<>();

    public TrainingLoop(Module module, Optimizer optimizer, LrSchedule schedule, WeightAverager averager, Config cfg) {
        this.module = module;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.averager = averager;
        this.cfg = cfg;
    }

    public TrainingLoop progressTo(PrintStream s) {
        this.err = s;
        return this;
    }

    /** A stateful data stream whose position goes into the checkpoint (not needed for (seed, step) data). */
    public TrainingLoop dataState(DataState s) {
        this.dataState = s;
        return this;
    }

    /** Trainer keys stored in the checkpoint (e.g. the architecture, to rebuild the net from the file alone). */
    public TrainingLoop meta(String key, String value) {
        extraMeta.setProperty(key, value);
        return this;
    }

    /**
     * Like {@link #meta}, and a resume fails unless the checkpoint has the same value: for the options a resumed run
     * must share with the run that wrote the file (optimiser, learning rate, batch, seed, ...).
     */
    public TrainingLoop requireSame(String key, String value) {
        extraMeta.setProperty(key, value);
        mustMatch.add(key);
        return this;
    }

    public Result run(StepLoss stepLoss, Validator validator) throws IOException {
        long start = 0;
        double best = Double.NaN;
        long bestStep = -1;
        int sinceBest = 0;
        double lossSum = 0;
        int lossN = 0;
        List<Eval> history = new ArrayList<>();
        if (cfg.resumeFrom() != null) {
            TrainingCheckpoint c = TrainingCheckpoint.load(cfg.resumeFrom(), cfg.kind(), module, optimizer, averager);
            Properties p = c.meta();
            start = c.step();
            if (start > cfg.totalSteps()) {
                throw new IllegalArgumentException(cfg.resumeFrom() + " is at step " + start + ", past --steps "
                        + cfg.totalSteps() + " (the schedule depends on the total: resume with the same --steps)");
            }
            if (!Long.toString(cfg.totalSteps()).equals(p.getProperty("totalSteps"))) {
                throw new IllegalArgumentException(cfg.resumeFrom() + " was written by a run of "
                        + p.getProperty("totalSteps") + " steps, this one has " + cfg.totalSteps()
                        + " (the learning-rate schedule depends on the total: resume with the same --steps)");
            }
            for (String k : mustMatch) {
                if (!extraMeta.getProperty(k).equals(p.getProperty(k))) {
                    throw new IllegalArgumentException(cfg.resumeFrom() + " was written with " + k + " '"
                            + p.getProperty(k) + "', this run has '" + extraMeta.getProperty(k)
                            + "': resume with the options of the run that wrote it");
                }
            }
            best = Double.parseDouble(c.required("best"));
            bestStep = Long.parseLong(c.required("bestStep"));
            sinceBest = Integer.parseInt(c.required("sinceBest"));
            lossSum = Double.parseDouble(c.required("lossSum"));
            lossN = Integer.parseInt(c.required("lossN"));
            history.addAll(parseHistory(p.getProperty("history", "")));
            if (dataState != null) {
                dataState.restore(p);
            }
            restoreBest(p);
            if (cfg.progress()) {
                err.printf(Locale.ROOT, "resumed from %s at step %d (best %.4f at %d)%n", cfg.resumeFrom(), start, best,
                        bestStep);
            }
        }
        long t0 = System.nanoTime();
        long lastDraw = 0;
        boolean early = false;
        long step = start;
        module.train(true);
        while (step < cfg.totalSteps()) {
            double lr = schedule.lr(step);
            Optimizers.setLr(optimizer, lr);
            try (PointerScope scope = new PointerScope()) {
                optimizer.zero_grad();
                Tensor loss = stepLoss.loss(step);
                loss.backward();
                optimizer.step();
                lossSum += loss.item_double();
                lossN++;
            }
            if (averager != null) {
                averager.update();
            }
            step++;
            long now = System.nanoTime();
            if (cfg.progress() && (now - lastDraw > 500_000_000L || step == cfg.totalSteps())) {
                lastDraw = now;
                drawBar(step, start, lossN == 0 ? Double.NaN : lossSum / lossN, (now - t0) / 1e9);
            }
            boolean evaluated = false;
            if (step % cfg.evalEvery() == 0 || step == cfg.totalSteps()) {
                evaluated = true;
                double metric = evaluate(validator);
                double trainLoss = lossN == 0 ? Double.NaN : lossSum / lossN;
                lossSum = 0;
                lossN = 0;
                history.add(new Eval(step, trainLoss, metric, lr));
                boolean improved = Double.isNaN(best) || (cfg.lowerIsBetter() ? metric < best : metric > best);
                if (improved) {
                    best = metric;
                    bestStep = step;
                    sinceBest = 0;
                    if (cfg.checkpointDir() != null) {
                        withEvalWeights(() -> Checkpoints.save(module, cfg.checkpointDir().resolve(BEST)));
                    }
                } else {
                    sinceBest++;
                }
                if (cfg.progress()) {
                    err.printf(Locale.ROOT, "%n step %d  train loss %.4f  val %.4f%s%n", step, trainLoss, metric,
                            improved ? "  (best)" : "  (no improvement " + sinceBest + "/" + cfg.patience() + ")");
                }
                if (cfg.patience() > 0 && sinceBest >= cfg.patience()) {
                    early = true;
                }
            }
            boolean due = cfg.checkpointEvery() > 0 ? step % cfg.checkpointEvery() == 0 : evaluated;
            boolean stop = step == cfg.stopAfter() && step < cfg.totalSteps();
            if (cfg.checkpointFile() != null && (due || early || stop || step == cfg.totalSteps())) {
                saveCheckpoint(step, best, bestStep, sinceBest, lossSum, lossN, history);
            }
            if (early) {
                break;
            }
            if (stop) {
                if (cfg.progress()) {
                    err.printf(Locale.ROOT, "%nstopped after step %d of %d; continue with --resume %s%n", step,
                            cfg.totalSteps(), cfg.checkpointFile());
                }
                break;
            }
        }
        return new Result(step, best, bestStep, early, (System.nanoTime() - t0) / 1e9, history);
    }

    /** Runs the validator on the averaged weights (if any) in eval mode, then restores training. */
    private double evaluate(Validator v) {
        double[] out = new double[1];
        try {
            withEvalWeights(() -> out[0] = v.evaluate());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out[0];
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private void withEvalWeights(IoAction a) throws IOException {
        boolean wasTraining = module.is_training();
        if (averager != null) {
            averager.swapIn();
        }
        module.eval();
        try {
            a.run();
        } finally {
            module.train(wasTraining);
            if (averager != null) {
                averager.swapOut();
            }
        }
    }

    private void saveCheckpoint(long step, double best, long bestStep, int sinceBest, double lossSum, int lossN,
                                List<Eval> history) throws IOException {
        Properties p = TrainingCheckpoint.newMeta(cfg.kind());
        p.putAll(extraMeta);
        p.setProperty("step", Long.toString(step));
        p.setProperty("totalSteps", Long.toString(cfg.totalSteps()));
        p.setProperty("best", Double.toString(best));
        p.setProperty("bestStep", Long.toString(bestStep));
        p.setProperty("sinceBest", Integer.toString(sinceBest));
        // the running train-loss window, so the next evaluation reports the same mean as an uninterrupted run
        p.setProperty("lossSum", Double.toString(lossSum));
        p.setProperty("lossN", Integer.toString(lossN));
        p.setProperty("history", formatHistory(history));
        if (cfg.checkpointDir() != null && bestStep > 0) {
            p.setProperty("bestFile", cfg.checkpointDir().resolve(BEST).toAbsolutePath().toString());
        }
        if (dataState != null) {
            dataState.save(p);
        }
        TrainingCheckpoint.save(cfg.checkpointFile(), module, optimizer, averager, p);
    }

    /** A resumed run writing to another directory takes the best weights so far with it. */
    private void restoreBest(Properties p) throws IOException {
        String f = p.getProperty("bestFile");
        if (f == null || cfg.checkpointDir() == null) {
            return;
        }
        Path target = cfg.checkpointDir().resolve(BEST);
        Path source = Path.of(f);
        if (!Files.exists(target) && Files.isRegularFile(source)) {
            Files.createDirectories(cfg.checkpointDir());
            Files.copy(source, target);
        }
    }

    static String formatHistory(List<Eval> h) {
        StringBuilder sb = new StringBuilder();
        for (Eval e : h) {
            sb.append(sb.length() == 0 ? "" : ";").append(e.step()).append(',').append(e.trainLoss()).append(',')
                    .append(e.metric()).append(',').append(e.lr());
        }
        return sb.toString();
    }

    static List<Eval> parseHistory(String s) {
        List<Eval> out = new ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        for (String row : s.split(";")) {
            String[] f = row.split(",");
            out.add(new Eval(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3])));
        }
        return out;
    }

    private void drawBar(long step, long start, double loss, double secs) {
        int width = 24;
        int filled = (int) (width * step / cfg.totalSteps());
        double sps = secs > 0 ? (step - start) * (double) cfg.samplesPerStep() / secs : 0;
        double stepsPerSec = secs > 0 ? (step - start) / secs : 0;
        long eta = stepsPerSec > 0 ? (long) ((cfg.totalSteps() - step) / stepsPerSec) : 0;
        err.printf(Locale.ROOT, "\r[%s%s] %d/%d loss %.4f  %.0f samples/s  ETA %dm%02ds   ", "#".repeat(filled),
                ".".repeat(width - filled), step, cfg.totalSteps(), loss, sps, eta / 60, eta % 60);
        err.flush();
    }
}
