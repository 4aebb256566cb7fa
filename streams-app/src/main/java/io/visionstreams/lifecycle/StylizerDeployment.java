package io.visionstreams.lifecycle;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.inference.InferenceException;
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
public final class StylizerDeployment extends ServedDeployment {

    private static final Logger LOG = LoggerFactory.getLogger(StylizerDeployment.class);

    /** How to serve: which model, which runtime, batching (the shared serving part) and the output settings. */
    public record Settings(ServingSettings serving, StylizationOptions stylization) implements ServingSettings.Holder<Settings> {
        public static Settings defaults() {
            return new Settings(ServingSettings.defaults(ModelZoo.DEFAULT_STYLIZER, 4, Duration.ofSeconds(60)),
                    StylizationOptions.defaults());
        }

        @Override
        public Settings withServing(ServingSettings s) {
            return new Settings(s, stylization);
        }

        public Settings withStylization(StylizationOptions o) {
            return new Settings(serving, o);
        }
    }

    private final Stylizer stylizer;

    private StylizerDeployment(ServedModel served, Stylizer stylizer) {
        super(served);
        this.stylizer = stylizer;
    }

    public static StylizerDeployment open(Settings s) throws IOException, InferenceException {
        return open(s, ModelZoo.resolve(s.serving().model()));
    }

    /**
     * Serves {@code model} (e.g. a fetched release) with the settings' runtime and batching; {@code s.serving().model()}
     * is ignored. A descriptor for another task, or a graph that disagrees with it, is an
     * {@link IncompatibleModelException}.
     */
    public static StylizerDeployment open(Settings s, LoadedModel model) throws InferenceException {
        StyleSpec spec = ServedModel.specOf(model, StyleSpec::from);
        ServingSettings serving = s.serving();
        return ServedModel.open(model, serving, session -> checkContract(spec, session)).buildOrClose(served -> {
            Stylizer stylizer = new Stylizer(new StylizationTranslator(spec, s.stylization()), served.batcher(),
                    serving.inferenceTimeout());
            LOG.info("loaded stylizer {}:{} ({} styles {}) from {} on {} (max batch {}, max delay {} ms)",
                    model.descriptor().name(), model.descriptor().version(), spec.styles().size(), spec.styles(),
                    model.location(), served.runtime().name(), serving.maxBatchSize(), serving.maxQueueDelay().toMillis());
            return new StylizerDeployment(served, stylizer);
        });
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
}
