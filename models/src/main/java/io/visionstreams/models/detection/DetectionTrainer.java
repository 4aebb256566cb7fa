package io.visionstreams.models.detection;

import io.visionstreams.eval.CocoEval;

import io.visionstreams.eval.GtBox;

import static org.bytedeco.pytorch.global.torch.manual_seed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.data.DetectionSceneGenerator;
import io.visionstreams.models.onnx.OnnxGraphBuilder;
import io.visionstreams.models.train.LrSchedule;
import io.visionstreams.models.train.Optimizers;
import io.visionstreams.models.train.TrainingCheckpoint;

/** Training loop, held-out evaluation through ONNX Runtime (what ships), and ORT latency. */
public final class DetectionTrainer {

    /**
     * @param seed    seeds the scene stream ({@code seed·31 + 1}) as the v1 runs did
     * @param teacher   non-null: add attention transfer from this (trained) teacher with weight {@code atBeta}
     */
    public record Options(int steps, int batch, double lr, long seed, DetectionLoss.ClsMode clsMode,
                          WrnDetector teacher, double atBeta, int logEvery, Checkpointing checkpointing) {

        public Options(int steps, int batch, double lr, long seed, DetectionLoss.ClsMode clsMode, WrnDetector teacher,
                       double atBeta, int logEvery) {
            this(steps, batch, lr, seed, clsMode, teacher, atBeta, logEvery, Checkpointing.NONE);
        }

        public Options {
            checkpointing = checkpointing == null ? Checkpointing.NONE : checkpointing;
        }

        public Options withCheckpointing(Checkpointing c) {
            return new Options(steps, batch, lr, seed, clsMode, teacher, atBeta, logEvery, c);
        }
    }

    /**
     * Resumable training checkpoints ({@link TrainingCheckpoint}): written to {@code file} every {@code every} steps
     * (0 = only at the end) and at the end; {@code resume} continues from such a file. {@code role} (teacher /
     * student) is recorded so {@code --distill-from} can tell what it was given. {@code stopAfter} > 0 ends the run
     * after that step of the schedule (checkpoint written), to split a long run over several sessions.
     */
    public record Checkpointing(Path file, int every, Path resume, String role, int stopAfter) {
        public static final Checkpointing NONE = new Checkpointing(null, 0, null, null, 0);

        public Checkpointing {
            if (stopAfter > 0 && file == null) {
                throw new IllegalArgumentException("stopping early needs a checkpoint file to resume from");
            }
        }
    }

    /** Checkpoint kind of every detector run; the net's config is in the checkpoint's text section. */
    public static final String KIND = "detection:wrn";

    /**
     * Mean total loss over the first and last 10% of steps, and wall time (of this invocation); {@code stepsDone}
     * is where the schedule stands (less than the total after a {@code stopAfter}).
     */
    public record History(double firstLoss, double lastLoss, double seconds, int stepsDone) {
    }

    private DetectionTrainer() {
    }

    /**
     * Trains on {@code scenes}, restarted from the options' seed (so two runs with the same options see the same
     * data). Its canvas is the training size: the net is fully convolutional and objects keep their pixel size,
     * so training on small canvases is cheap and transfers to the 320 contract input.
     */
    public static History train(WrnDetector net, DetectionSceneGenerator scenes, Options o, PrintStream log)
            throws IOException {
        return train(net, scenes, o, log, 2);
    }

    /** {@link #train} with {@code threads} libtorch threads (1 makes a run bit-reproducible on the CPU). */
    public static History train(WrnDetector net, DetectionSceneGenerator scenes, Options o, PrintStream log,
                                int threads) throws IOException {
        torch.set_num_threads(threads);
        scenes.reseed(o.seed() * 31 + 1);
        int trainSize = scenes.options().width();
        Adam opt = Optimizers.adam(net.parameters(), o.lr(), 0);
        // short linear warm-up then cosine: Adam on a fresh BN net is jumpy in the first steps
        LrSchedule cos = LrSchedule.cosine(o.lr(), o.lr() * 0.02, o.steps());
        int warm = Math.max(1, o.steps() / 20);
        int window = Math.max(1, o.steps() / 10);
        double first = 0;
        double last = 0;
        long t0 = System.nanoTime();
        net.train(true);
        if (o.teacher() != null) {
            o.teacher().eval();
        }
        Checkpointing ck = o.checkpointing();
        int startStep = 0;
        if (ck.resume() != null) {
            TrainingCheckpoint c = TrainingCheckpoint.load(ck.resume(), KIND, net, opt, null);
            Properties p = c.meta();
            if (!resumeIdentity(o, trainSize).equals(p.getProperty("options"))) {
                throw new IllegalArgumentException(ck.resume() + " was written by a run with " + p.getProperty("options")
                        + "; this one has " + resumeIdentity(o, trainSize) + " (the schedule, data order and loss depend on "
                        + "them: resume with the same options, and the same --distill-from for a student)");
            }
            startStep = (int) c.step();
            first = Double.parseDouble(c.required("firstLossSum"));
            last = Double.parseDouble(c.required("lastLossSum"));
            scenes.restoreStreamState(c.required("sceneStream"));
            net.train(true);
            if (log != null) {
                log.printf(Locale.ROOT, "resumed from %s at step %d/%d%n", ck.resume(), startStep, o.steps());
            }
        }
        int done = startStep;
        for (int step = startStep; step < o.steps(); step++) {
            double lr = step < warm ? o.lr() * (step + 1) / warm : cos.lr(step);
            Optimizers.setLr(opt, lr);
            List<NormalisedScene> batch = new ArrayList<>();
            for (int i = 0; i < o.batch(); i++) {
                batch.add(NormalisedScene.of(scenes.next()));
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor x = images(batch);
                opt.zero_grad();
                WrnDetector.TrainOut out = net.forwardTrain(x);
                DetectionLoss.Parts parts = DetectionLoss.compute(out, batch.stream().map(NormalisedScene::boxes).toList(),
                        trainSize, o.clsMode());
                Tensor loss = parts.total();
                float at = 0;
                if (o.teacher() != null) {
                    List<Tensor> tg;
                    try (NoGradGuard ng = new NoGradGuard()) {
                        tg = o.teacher().forwardTrain(x).groups();
                    }
                    Tensor atLoss = AttentionTransfer.loss(out.groups(), tg, o.atBeta());
                    at = atLoss.item_float();
                    loss = loss.add(atLoss);
                }
                loss.backward();
                opt.step();
                // the AT term is excluded so that runs with and without AT report the same detection loss
                double l = parts.cls() + parts.box() + parts.image();
                if (step < window) {
                    first += l / window;
                }
                if (step >= o.steps() - window) {
                    last += l / window;
                }
                if (log != null && (step % o.logEvery() == 0 || step == o.steps() - 1)) {
                    log.printf(Locale.ROOT, "step %5d/%d lr %.2e cls %.4f box %.4f img %.4f at %.4f  %.1fs%n", step + 1,
                            o.steps(), lr, parts.cls(), parts.box(), parts.image(), at, (System.nanoTime() - t0) / 1e9);
                }
            }
            done = step + 1;
            boolean stop = done == ck.stopAfter() && done < o.steps();
            if (ck.file() != null && ((ck.every() > 0 && done % ck.every() == 0) || done == o.steps() || stop)) {
                saveCheckpoint(ck, net, opt, scenes, o, done, first, last);
            }
            if (stop) {
                if (log != null) {
                    log.printf(Locale.ROOT, "stopped after step %d of %d; continue with --resume %s%n", done, o.steps(),
                            ck.file());
                }
                break;
            }
        }
        net.eval();
        return new History(first, last, (System.nanoTime() - t0) / 1e9, done);
    }

    private static void saveCheckpoint(Checkpointing ck, WrnDetector net, Adam opt, DetectionSceneGenerator scenes,
                                       Options o, int done, double first, double last) throws IOException {
        Properties p = TrainingCheckpoint.newMeta(KIND);
        WrnDetector.Config c = net.config();
        p.setProperty("step", Integer.toString(done));
        p.setProperty("totalSteps", Integer.toString(o.steps()));
        p.setProperty("batch", Integer.toString(o.batch()));
        p.setProperty("seed", Long.toString(o.seed()));
        p.setProperty("options", resumeIdentity(o, scenes.options().width()));
        p.setProperty("role", ck.role() == null ? "" : ck.role());
        p.setProperty("config.k", Integer.toString(c.k()));
        p.setProperty("config.blocks", Integer.toString(c.blocks()));
        p.setProperty("config.neck", Integer.toString(c.neck()));
        p.setProperty("config.classes", Integer.toString(c.classes()));
        // partial sums of the reported first/last-10% loss means, and where the scene stream stands
        p.setProperty("firstLossSum", Double.toString(first));
        p.setProperty("lastLossSum", Double.toString(last));
        p.setProperty("sceneStream", scenes.streamState());
        boolean training = net.is_training();
        TrainingCheckpoint.save(ck.file(), net, opt, null, p);
        net.train(training);
    }

    /** What a resumed run must share with the run that wrote the checkpoint. */
    static String resumeIdentity(Options o, int trainSize) {
        return String.format(Locale.ROOT, "steps=%d batch=%d lr=%s seed=%d cls=%s size=%d at=%s", o.steps(), o.batch(),
                o.lr(), o.seed(), o.clsMode(), trainSize, o.teacher() == null ? "none" : "beta " + o.atBeta());
    }

    /** The net's config recorded in a detector training checkpoint. */
    public static WrnDetector.Config configOf(TrainingCheckpoint c) {
        return new WrnDetector.Config(Integer.parseInt(c.required("config.k")),
                Integer.parseInt(c.required("config.blocks")), Integer.parseInt(c.required("config.neck")),
                Integer.parseInt(c.required("config.classes")));
    }

    static Tensor images(List<NormalisedScene> batch) {
        int s = batch.get(0).size();
        float[] all = new float[batch.size() * 3 * s * s];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.get(i).chw(), 0, all, i * 3 * s * s, 3 * s * s);
        }
        return torch.from_blob(new FloatPointer(all), batch.size(), 3, s, s).clone();
    }

    public static byte[] export(WrnDetector net, String graphName) {
        net.eval();
        OnnxGraphBuilder g = new OnnxGraphBuilder(graphName);
        net.emit(g);
        return g.toByteArray();
    }

    /**
     * The first {@code n} scenes of {@code validation} restarted from {@code seed}: a deterministic held-out set at
     * the generator's canvas size. Build the generator on the validation side of the background split only.
     */
    public static List<NormalisedScene> heldOut(DetectionSceneGenerator validation, int n, long seed) {
        validation.reseed(seed);
        List<NormalisedScene> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(NormalisedScene.of(validation.next()));
        }
        return out;
    }

    /**
     * Evaluation score threshold: low, as COCO evaluations of dense detectors use, since AP only gains from
     * low-score detections (they sit at the tail of the precision-recall curve).
     */
    public static final float EVAL_SCORE_THRESHOLD = 0.01f;

    /** COCO AP of the exported model on scenes, run by ONNX Runtime. */
    public static CocoEval.Result evaluate(byte[] onnx, List<NormalisedScene> scenes) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int s = WrnDetector.INPUT_SIZE;
        int a = WrnDetector.NUM_ANCHORS;
        int c = WrnDetector.CLASSES.size();
        List<List<GtBox>> gts = new ArrayList<>();
        List<List<CocoEval.Det>> dets = new ArrayList<>();
        try (OrtSession.SessionOptions so = options(); OrtSession session = env.createSession(onnx, so)) {
            for (int start = 0; start < scenes.size(); start += 8) {
                List<NormalisedScene> b = scenes.subList(start, Math.min(scenes.size(), start + 8));
                float[] in = new float[b.size() * 3 * s * s];
                for (int i = 0; i < b.size(); i++) {
                    System.arraycopy(b.get(i).chw(), 0, in, i * 3 * s * s, 3 * s * s);
                    gts.add(b.get(i).boxes());
                }
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), new long[] {b.size(), 3, s, s});
                     OrtSession.Result r = session.run(Map.of("images", t))) {
                    float[] boxes = array(r, "boxes");
                    float[] scores = array(r, "scores");
                    for (int i = 0; i < b.size(); i++) {
                        dets.add(EvalDecoding.postprocess(boxes, scores, i * a, a, c, EVAL_SCORE_THRESHOLD, 0.5, 1000, 100));
                    }
                }
            }
        }
        return CocoEval.evaluate(gts, dets, c);
    }

    /**
     * COCO AP of the libtorch net at the scenes' own size (anchors decoded for that size): for quick checks on
     * small canvases, where the 320-input ONNX graph does not apply.
     */
    public static CocoEval.Result evaluateTorch(WrnDetector net, List<NormalisedScene> scenes) {
        net.eval();
        int c = net.config().classes();
        List<List<GtBox>> gts = new ArrayList<>();
        List<List<CocoEval.Det>> dets = new ArrayList<>();
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            for (NormalisedScene s : scenes) {
                List<Tensor> out = net.forward(List.of(images(List.of(s))));
                float[] boxes = io.visionstreams.models.nn.Export.data(out.get(0));
                float[] scores = io.visionstreams.models.nn.Export.data(out.get(1));
                gts.add(s.boxes());
                dets.add(EvalDecoding.postprocess(boxes, scores, 0, boxes.length / 4, c, EVAL_SCORE_THRESHOLD, 0.5, 1000, 100));
            }
        }
        return CocoEval.evaluate(gts, dets, c);
    }

    private static float[] array(OrtSession.Result r, String name) throws OrtException {
        FloatBuffer fb = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
        float[] f = new float[fb.remaining()];
        fb.get(f);
        return f;
    }

    static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(2);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
        return so;
    }

    /** Median ORT latency in ms per image at batch 1 and batch 8 (2 intra-op threads, 320×320). */
    public static double[] speed(byte[] onnx, int runs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double[] out = new double[2];
        int[] batches = {1, 8};
        try (OrtSession.SessionOptions so = options(); OrtSession session = env.createSession(onnx, so)) {
            for (int bi = 0; bi < 2; bi++) {
                int n = batches[bi];
                float[] in = new float[n * 3 * 320 * 320];
                Random rnd = new Random(5);
                for (int i = 0; i < in.length; i++) {
                    in[i] = (float) rnd.nextGaussian();
                }
                double[] t = new double[runs];
                try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), new long[] {n, 3, 320, 320})) {
                    for (int w = 0; w < 3; w++) {
                        session.run(Map.of("images", x)).close();
                    }
                    for (int r = 0; r < runs; r++) {
                        long t0 = System.nanoTime();
                        session.run(Map.of("images", x)).close();
                        t[r] = (System.nanoTime() - t0) / 1e6 / n;
                    }
                }
                Arrays.sort(t);
                out[bi] = t[runs / 2];
            }
        }
        return out;
    }

    /** Fresh net of {@code cfg} initialised from {@code seed}. */
    public static WrnDetector newNet(WrnDetector.Config cfg, long seed) {
        manual_seed(seed);
        return new WrnDetector(cfg);
    }
}
