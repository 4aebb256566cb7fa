package io.visionstreams.lifecycle;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.inference.DynamicBatcher;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.TensorSpec;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.stylization.StyleSpec;
import io.visionstreams.models.stylization.StylizationOptions;
import io.visionstreams.models.stylization.StylizationTranslator;
import io.visionstreams.models.stylization.Stylizer;

/**
 * One stylisation model being served in this process: model → runtime session (created once, shared)
 * → dynamic batcher → {@link Stylizer}. Closing releases them in reverse order.
 */
public final class StylizerDeployment implements ModelDeployment {

    private static final Logger LOG = LoggerFactory.getLogger(StylizerDeployment.class);

    /** How to serve: which model, which runtime, batching, and the output settings. */
    public record Settings(String model, String runtime, int intraOpThreads, int maxBatchSize, Duration maxQueueDelay,
                           int batchWorkers, Duration inferenceTimeout, StylizationOptions stylization) {
        public static Settings defaults() {
            return new Settings(ModelZoo.DEFAULT_STYLIZER, "auto", 0, 4, Duration.ofMillis(5), 1,
                    Duration.ofSeconds(60), StylizationOptions.defaults());
        }

        public Settings withModel(String m) {
            return new Settings(m, runtime, intraOpThreads, maxBatchSize, maxQueueDelay, batchWorkers, inferenceTimeout,
                    stylization);
        }

        public Settings withRuntime(String r, int threads) {
            return new Settings(model, r, threads, maxBatchSize, maxQueueDelay, batchWorkers, inferenceTimeout,
                    stylization);
        }

        public Settings withBatching(int maxBatch, Duration delay) {
            return new Settings(model, runtime, intraOpThreads, maxBatch, delay, batchWorkers, inferenceTimeout,
                    stylization);
        }

        public Settings withStylization(StylizationOptions o) {
            return new Settings(model, runtime, intraOpThreads, maxBatchSize, maxQueueDelay, batchWorkers,
                    inferenceTimeout, o);
        }
    }

    private final ServedModel served;
    private final Stylizer stylizer;

    private StylizerDeployment(ServedModel served, Stylizer stylizer) {
        this.served = served;
        this.stylizer = stylizer;
    }

    public static StylizerDeployment open(Settings s) throws IOException, InferenceException {
        return open(s, ModelZoo.resolve(s.model()));
    }

    /**
     * Serves {@code model} (e.g. a fetched release) with the settings' runtime and batching; {@code s.model()}
     * is ignored. A descriptor for another task, or a graph that disagrees with it, is an
     * {@link IncompatibleModelException}.
     */
    public static StylizerDeployment open(Settings s, LoadedModel model) throws InferenceException {
        StyleSpec spec;
        try {
            spec = StyleSpec.from(model.descriptor());
        } catch (IllegalArgumentException e) {
            throw new IncompatibleModelException("model " + model.location() + ": " + e.getMessage(), e);
        }
        ServedModel served = ServedModel.open(model, s.runtime(), s.intraOpThreads(),
                session -> checkContract(spec, session),
                s.maxBatchSize(), s.maxQueueDelay(), s.batchWorkers());
        try {
            DynamicBatcher batcher = served.batcher();
            InferenceRuntime runtime = served.runtime();
            Stylizer stylizer = new Stylizer(new StylizationTranslator(spec, s.stylization()), batcher,
                    s.inferenceTimeout());
            LOG.info("loaded stylizer {}:{} ({} styles {}) from {} on {} (max batch {}, max delay {} ms)",
                    model.descriptor().name(), model.descriptor().version(), spec.styles().size(), spec.styles(),
                    model.location(), runtime.name(), s.maxBatchSize(), s.maxQueueDelay().toMillis());
            return new StylizerDeployment(served, stylizer);
        } catch (RuntimeException e) {
            served.close();
            throw e;
        }
    }

    /**
     * How a release follower opens a stylisation release for a stream serving {@code styles}: records name
     * styles and the default style is chosen over this list, so a release must offer exactly the same list
     * (in order); anything else is an {@link IncompatibleModelException} (INCOMPATIBLE_SIGNATURE).
     */
    public static ReleaseInstaller.Opener<StylizerDeployment> releaseOpener(Settings s, List<String> styles) {
        List<String> served = List.copyOf(styles);
        return model -> {
            StylizerDeployment d = open(s, model);
            List<String> offered = d.stylizer().translator().spec().styles();
            if (!offered.equals(served)) {
                d.close();
                throw new IncompatibleModelException("model " + model.location() + " has styles " + offered
                        + "; the stream serves " + served);
            }
            return d;
        };
    }

    /** The descriptor and the ONNX graph must agree: input and output names, 3 colour channels, style count. */
    static void checkContract(StyleSpec spec, InferenceSession session) throws InferenceException {
        Map<String, TensorSpec> in = session.inputs();
        Map<String, TensorSpec> out = session.outputs();
        String who = "model " + session.modelName() + ":" + session.modelVersion();
        TensorSpec images = in.get(spec.inputName());
        TensorSpec weights = in.get(spec.weightsInput());
        if (images == null || weights == null) {
            throw new InferenceException(who + ": descriptor inputs '" + spec.inputName() + "' and '" + spec.weightsInput()
                    + "' must both be in the graph (inputs: " + in.keySet() + ")");
        }
        long[] i = images.shape();
        if (i.length != 4 || (i[1] != 3 && i[1] != -1)) {
            throw new InferenceException(who + ": graph input " + images + " is not [N,3,H,W]");
        }
        long[] w = weights.shape();
        int styles = spec.styles().size();
        if (w.length != 2 || (w[1] != -1 && w[1] != styles)) {
            throw new InferenceException(who + ": graph input " + weights + " does not take " + styles
                    + " style weights as the descriptor's styles " + spec.styles() + " say");
        }
        if (!out.containsKey(spec.outputName())) {
            throw new InferenceException(who + ": descriptor output '" + spec.outputName() + "' is not in the graph"
                    + " (outputs: " + out.keySet() + ")");
        }
    }

    public Stylizer stylizer() {
        return stylizer;
    }

    @Override
    public LoadedModel model() {
        return served.model();
    }

    @Override
    public InferenceSession session() {
        return served.session();
    }

    @Override
    public DynamicBatcher batcher() {
        return served.batcher();
    }

    /** Idempotent: a second close does nothing. */
    @Override
    public void close() {
        served.close();
    }
}
