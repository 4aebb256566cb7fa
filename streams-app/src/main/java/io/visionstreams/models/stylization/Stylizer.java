package io.visionstreams.models.stylization;

import java.time.Duration;
import java.util.Map;

import io.visionstreams.imaging.Image;
import io.visionstreams.inference.BatchedResult;
import io.visionstreams.inference.DynamicBatcher;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.Tensor;

/**
 * A stylisation model ready to serve: translator (pre/post) plus a dynamic batcher over a shared
 * session. The topology and the {@code stylize} CLI command both call {@link #stylize}, so they share
 * one code path.
 */
public final class Stylizer {

    private final StylizationTranslator translator;
    private final DynamicBatcher batcher;
    private final Duration timeout;

    public Stylizer(StylizationTranslator translator, DynamicBatcher batcher, Duration timeout) {
        this.translator = translator;
        this.batcher = batcher;
        this.timeout = timeout;
    }

    public StylizationTranslator translator() {
        return translator;
    }

    public DynamicBatcher batcher() {
        return batcher;
    }

    /** Parses a style name or weights vector against this model's styles (see {@link StyleSelection}). */
    public StyleSelection select(String text) throws StyleSelectionException {
        return StyleSelection.parse(translator.spec().styles(), text);
    }

    /** At the deployment's scale. */
    public StylizationResult stylize(Image image, StyleSelection style) throws InferenceException {
        return stylize(image, style, translator.options().scale());
    }

    /** At this frame's own downscale factor, 0 &lt; scale ≤ 1 (the deployment's max side still caps it). */
    public StylizationResult stylize(Image image, StyleSelection style, double scale) throws InferenceException {
        long t0 = System.nanoTime();
        StylizationTranslator.Geometry g = translator.geometry(image.width(), image.height(), scale);
        Map<String, Tensor> input = translator.preprocess(image, g, style);
        long t1 = System.nanoTime();
        // frames of different sizes cannot share a batch: the batcher groups equal shapes
        BatchedResult r = batcher.infer(input, timeout);
        long t2 = System.nanoTime();
        Image out;
        try {
            out = translator.postprocess(r.output(translator.spec().outputName()), g);
        } catch (IllegalArgumentException e) {
            throw new InferenceException("model " + r.modelName() + ":" + r.modelVersion()
                    + " output does not fit the stylization contract: " + e.getMessage(), e);
        }
        byte[] encoded = translator.encode(out);
        long t3 = System.nanoTime();
        return new StylizationResult(out, encoded, translator.options().format(), style, r.modelName(),
                r.modelVersion(), r.runtimeName(), (t1 - t0) / 1000, r.queueMicros(), r.inferMicros(), (t3 - t2) / 1000,
                r.batchSize());
    }
}
