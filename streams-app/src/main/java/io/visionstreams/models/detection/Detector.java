package io.visionstreams.models.detection;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.LetterboxGeometry;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.inference.BatchedResult;
import io.visionstreams.inference.DynamicBatcher;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.Tensor;

/**
 * A detector ready to serve: translator (pre/post) plus a dynamic batcher over a shared session.
 * The topology and the {@code detect} CLI command both call {@link #detect}, so they share one code
 * path.
 */
public final class Detector {

    private final DetectionTranslator translator;
    private final DynamicBatcher batcher;
    private final Duration timeout;

    public Detector(DetectionTranslator translator, DynamicBatcher batcher, Duration timeout) {
        this.translator = translator;
        this.batcher = batcher;
        this.timeout = timeout;
    }

    public DetectionTranslator translator() {
        return translator;
    }

    public DynamicBatcher batcher() {
        return batcher;
    }

    /** Detections without explanations: the CAM output is not even fetched. */
    public DetectionResult detect(Image image) throws InferenceException {
        return detect(image, false);
    }

    /**
     * Detections, plus (when {@code explain} and the model has a CAM output) one CAM explanation per
     * detected class. A model without CAMs answers an explain request with plain detections.
     */
    public DetectionResult detect(Image image, boolean explain) throws InferenceException {
        long t0 = System.nanoTime();
        LetterboxGeometry g = translator.geometry(image);
        Map<String, Tensor> input = translator.preprocess(image, g);
        long t1 = System.nanoTime();
        boolean withCams = explain && translator.spec().hasCams();
        BatchedResult r = batcher.infer(input, translator.outputsToFetch(withCams), timeout);
        long t2 = System.nanoTime();
        List<ScoredBox> boxes;
        Map<Integer, CamExplanation> explanations;
        try {
            boxes = translator.postprocess(r.outputs(), g);
            explanations = withCams ? translator.explain(r.output(translator.spec().camsOutput()), boxes, g) : Map.of();
        } catch (IllegalArgumentException e) {
            throw new InferenceException("model " + r.modelName() + ":" + r.modelVersion()
                    + " output does not fit the detector contract: " + e.getMessage(), e);
        }
        long t3 = System.nanoTime();
        return new DetectionResult(boxes, image.width(), image.height(), r.modelName(), r.modelVersion(),
                r.runtimeName(), (t1 - t0) / 1000, r.queueMicros(), r.inferMicros(), (t3 - t2) / 1000, r.batchSize(),
                explanations);
    }
}
