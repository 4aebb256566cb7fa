package io.visionstreams.lifecycle;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.Precision;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.TensorSpec;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.detection.DetectionOptions;
import io.visionstreams.models.detection.DetectionTranslator;
import io.visionstreams.models.detection.Detector;
import io.visionstreams.models.detection.DetectorSpec;

/**
 * One detector being served in this process: model → runtime session (created once, shared) →
 * dynamic batcher → {@link Detector}. Closing releases them in reverse order.
 */
public final class DetectorDeployment extends ServedDeployment {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorDeployment.class);

    /** How to serve: which model, which runtime, batching (the shared serving part) and the detection thresholds. */
    public record Settings(ServingSettings serving, DetectionOptions detection) implements ServingSettings.Holder<Settings> {
        public static Settings defaults() {
            return new Settings(ServingSettings.defaults(ModelZoo.DEFAULT_DETECTOR, 8, Duration.ofSeconds(30)),
                    DetectionOptions.defaults());
        }

        @Override
        public Settings withServing(ServingSettings s) {
            return new Settings(s, detection);
        }

        public Settings withDetection(DetectionOptions d) {
            return new Settings(serving, d);
        }
    }

    private final Detector detector;

    private DetectorDeployment(ServedModel served, Detector detector) {
        super(served);
        this.detector = detector;
    }

    public static DetectorDeployment open(Settings s) throws IOException, InferenceException {
        return open(s, ModelZoo.resolve(s.serving().model()));
    }

    /**
     * Serves {@code model} (e.g. a fetched release) with the settings' runtime and batching; {@code s.serving().model()}
     * is ignored. A descriptor for another task, or a graph that disagrees with it, is an
     * {@link IncompatibleModelException}.
     */
    public static DetectorDeployment open(Settings s, LoadedModel model) throws InferenceException {
        DetectorSpec spec = ServedModel.specOf(model, DetectorSpec::from);
        if (s.detection().explain() && !spec.hasCams()) {
            throw new IncompatibleModelException("model " + model.location() + " has no CAM output (outputs.cams in model.json), "
                    + "so it cannot explain its detections: drop --explain or choose a model with CAMs");
        }
        ServingSettings serving = s.serving();
        return ServedModel.open(model, serving, session -> checkContract(spec, session)).buildOrClose(served -> {
            Detector detector = new Detector(new DetectionTranslator(spec, s.detection()), served.batcher(),
                    serving.inferenceTimeout());
            LOG.info("loaded detector {}:{} from {} on {}{} (max batch {}, max delay {} ms)", model.descriptor().name(),
                    model.descriptor().version(), model.location(), served.runtime().name(),
                    serving.precision() == Precision.FP16 ? " fp16" : "", serving.maxBatchSize(),
                    serving.maxQueueDelay().toMillis());
            return new DetectorDeployment(served, detector);
        });
    }

    /**
     * The descriptor and the ONNX graph must agree: input name, rank, layout, channels and fixed size;
     * output names, ranks and the class count each decoder implies. Checked at load time so that a
     * wrong descriptor fails with a message, not on the first frame.
     */
    static void checkContract(DetectorSpec spec, InferenceSession session) throws InferenceException {
        Map<String, TensorSpec> in = session.inputs();
        Map<String, TensorSpec> out = session.outputs();
        String who = "model " + session.modelName() + ":" + session.modelVersion();
        TensorSpec input = in.get(spec.inputName());
        if (input == null) {
            throw new InferenceException(who + ": descriptor input '" + spec.inputName() + "' is not in the graph (inputs: "
                    + in.keySet() + ")");
        }
        long[] s = input.shape();
        // NCHW: [N, 3, H, W]; NHWC: [N, H, W, 3]
        int c = spec.nhwc() ? 3 : 1;
        int hDim = spec.nhwc() ? 1 : 2;
        int wDim = spec.nhwc() ? 2 : 3;
        if (s.length != 4 || !fits(s[c], 3) || !fits(s[hDim], spec.inputHeight()) || !fits(s[wDim], spec.inputWidth())) {
            String expected = spec.nhwc() ? "[N," + spec.inputHeight() + "," + spec.inputWidth() + ",3] (NHWC)"
                    : "[N,3," + spec.inputHeight() + "," + spec.inputWidth() + "] (NCHW)";
            throw new InferenceException(who + ": graph input " + input + " does not match the descriptor's " + expected
                    + (s.length == 4 && !fits(s[c], 3) && fits(s[spec.nhwc() ? 1 : 3], 3)
                    ? "; the graph looks " + (spec.nhwc() ? "NCHW" : "NHWC") + ": check input.layout" : ""));
        }
        for (String name : new DetectionTranslator(spec, DetectionOptions.defaults()).outputsToFetch(spec.hasCams())) {
            if (!out.containsKey(name)) {
                throw new InferenceException(who + ": descriptor output '" + name + "' is not in the graph (outputs: "
                        + out.keySet() + ")");
            }
        }
        int n = spec.numClasses();
        if (spec.yolo()) {
            TensorSpec p = out.get(spec.predictionsOutput());
            long[] ps = p.shape();
            int attrs = (DetectorSpec.DECODER_YOLO_V5.equals(spec.decoder()) ? 5 : 4) + n;
            if (ps.length != 3 || !(fitsExactly(ps[2], attrs) || fitsExactly(ps[1], attrs) || (ps[1] == -1 && ps[2] == -1))) {
                throw new InferenceException(who + ": " + spec.decoder() + " predictions output " + p + " must be [N,A,"
                        + attrs + "] or [N," + attrs + ",A]: " + attrs + " = " + (attrs - n) + " box/objectness values + "
                        + n + " classes " + spec.classes() + " (does the class list or the decoder match the model?)");
            }
        } else {
            TensorSpec b = out.get(spec.boxesOutput());
            if (b.shape().length != 3 || !fits(b.shape()[2], 4)) {
                throw new InferenceException(who + ": boxes output " + b + " must be [N,A,4]");
            }
            long[] scores = out.get(spec.scoresOutput()).shape();
            if (scores.length != 3 || !fits(scores[2], n)) {
                throw new InferenceException(who + ": scores output " + out.get(spec.scoresOutput()) + " does not have "
                        + n + " classes as the descriptor says");
            }
        }
        if (spec.hasCams()) {
            long[] cams = out.get(spec.camsOutput()).shape();
            if (cams.length != 4 || !fits(cams[1], n)) {
                throw new InferenceException(who + ": cams output " + out.get(spec.camsOutput()) + " must be [N," + n
                        + ",h,w]");
            }
        }
    }

    /** A graph dimension fits a value when it is that value or dynamic (-1). */
    private static boolean fits(long dim, long value) {
        return dim == value || dim == -1;
    }

    private static boolean fitsExactly(long dim, long value) {
        return dim == value;
    }

    public Detector detector() {
        return detector;
    }
}
