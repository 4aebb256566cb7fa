package io.visionstreams.models.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;

import io.visionstreams.models.nn.Checkpoints;

/**
 * A small, general training driver: steps with one PointerScope each (platform notes §6.3), a
 * learning-rate schedule, optional ASGD averaging, periodic validation on a task metric, early
 * stopping with patience, the best weights and a resumable "last" checkpoint, and a one-line
 * progress bar on stderr.
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

    public record Config(long totalSteps, long evalEvery, int patience, boolean lowerIsBetter, int samplesPerStep,
                         Path checkpointDir, boolean progress) {
        public Config {
            if (totalSteps <= 0 || evalEvery <= 0) {
                throw new IllegalArgumentException("totalSteps and evalEvery must be positive");
            }
        }
    }

    public record Eval(long step, double trainLoss, double metric, double lr) {
    }

    public record Result(long stepsRun, double bestMetric, long bestStep, boolean stoppedEarly, double seconds,
                         List<Eval> history) {
    }

    public static final String BEST = "best.pt";
    public static final String LAST = "last.pt";
    public static final String OPTIM = "last-optim.pt";
    public static final String AVG = "last-avg.pt";
    public static final String STATE = "state.properties";

    private final Module module;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final WeightAverager averager; // may be null
    private final Config cfg;
    private PrintStream err = System.err;

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

    public Result run(StepLoss stepLoss, Validator validator) throws IOException {
        long start = 0;
        double best = Double.NaN;
        long bestStep = -1;
        int sinceBest = 0;
        List<Eval> history = new ArrayList<>();
        if (cfg.checkpointDir() != null && Files.isRegularFile(cfg.checkpointDir().resolve(STATE))) {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(cfg.checkpointDir().resolve(STATE))) {
                p.load(r);
            }
            start = Long.parseLong(p.getProperty("step"));
            best = Double.parseDouble(p.getProperty("best"));
            bestStep = Long.parseLong(p.getProperty("bestStep"));
            sinceBest = Integer.parseInt(p.getProperty("sinceBest"));
            Checkpoints.load(module, cfg.checkpointDir().resolve(LAST));
            InputArchive oa = new InputArchive();
            oa.load_from(cfg.checkpointDir().resolve(OPTIM).toString());
            optimizer.load(oa);
            if (averager != null) {
                InputArchive aa = new InputArchive();
                aa.load_from(cfg.checkpointDir().resolve(AVG).toString());
                averager.load(aa);
            }
            if (cfg.progress()) {
                err.printf(Locale.ROOT, "resumed at step %d (best %.4f at %d)%n", start, best, bestStep);
            }
        }
        long t0 = System.nanoTime();
        long lastDraw = 0;
        double lossSum = 0;
        int lossN = 0;
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
            if (step % cfg.evalEvery() == 0 || step == cfg.totalSteps()) {
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
                if (cfg.checkpointDir() != null) {
                    saveLast(step, best, bestStep, sinceBest);
                }
                if (cfg.patience() > 0 && sinceBest >= cfg.patience()) {
                    early = true;
                    break;
                }
            }
        }
        return new Result(step - start, best, bestStep, early, (System.nanoTime() - t0) / 1e9, history);
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

    private void saveLast(long step, double best, long bestStep, int sinceBest) throws IOException {
        Path dir = cfg.checkpointDir();
        Checkpoints.save(module, dir.resolve(LAST));
        OutputArchive oa = new OutputArchive();
        optimizer.save(oa);
        oa.save_to(dir.resolve(OPTIM).toString());
        if (averager != null) {
            OutputArchive aa = new OutputArchive();
            averager.save(aa);
            aa.save_to(dir.resolve(AVG).toString());
        }
        Properties p = new Properties();
        p.setProperty("step", Long.toString(step));
        p.setProperty("best", Double.toString(best));
        p.setProperty("bestStep", Long.toString(bestStep));
        p.setProperty("sinceBest", Integer.toString(sinceBest));
        // state last: a crash before this line resumes from the previous consistent state
        Path tmp = dir.resolve(STATE + ".tmp");
        try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "TrainingLoop resume state");
        }
        Files.move(tmp, dir.resolve(STATE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
