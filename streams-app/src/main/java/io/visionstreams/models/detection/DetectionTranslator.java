package io.visionstreams.models.detection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.LetterboxGeometry;
import io.visionstreams.imaging.Nms;
import io.visionstreams.imaging.Preprocess;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.inference.Tensor;

/**
 * Pre- and post-processing of a detector, as plain functions (no Kafka, no model): image →
 * input tensor, and output tensors → boxes in original-frame pixels after class-wise NMS.
 */
public final class DetectionTranslator {

    private final DetectorSpec spec;
    private final DetectionOptions options;

    public DetectionTranslator(DetectorSpec spec, DetectionOptions options) {
        this.spec = spec;
        this.options = options;
    }

    public DetectorSpec spec() {
        return spec;
    }

    public DetectionOptions options() {
        return options;
    }

    /** Geometry that maps this frame into the network input and back. */
    public LetterboxGeometry geometry(Image image) {
        if (spec.letterbox()) {
            return LetterboxGeometry.compute(image.width(), image.height(), spec.inputWidth(), spec.inputHeight());
        }
        // stretched input: independent x/y scales are not expressible as a letterbox, so refuse
        throw new UnsupportedOperationException("detectors without letterbox input are not supported yet");
    }

    /** One sample's input: [3, H, W] (or [H, W, 3] for NHWC models) float tensor, normalised as the descriptor says. */
    public Map<String, Tensor> preprocess(Image image, LetterboxGeometry g) {
        int h = spec.inputHeight();
        int w = spec.inputWidth();
        float[] data = new float[3 * h * w];
        Preprocess.letterboxToTensor(image, g, spec.padEdge() ? Preprocess.PAD_EDGE : spec.padValue(), spec.scale(), spec.mean(),
                spec.std(), spec.bgr(), data, 0);
        if (spec.nhwc()) {
            return Map.of(spec.inputName(), Tensor.ofFloats(new long[] {h, w, 3}, toHwc(data, h, w)));
        }
        return Map.of(spec.inputName(), Tensor.ofFloats(new long[] {3, h, w}, data));
    }

    /** Planar [3, H, W] → interleaved [H, W, 3]. */
    static float[] toHwc(float[] chw, int h, int w) {
        int plane = h * w;
        float[] hwc = new float[chw.length];
        for (int i = 0; i < plane; i++) {
            hwc[3 * i] = chw[i];
            hwc[3 * i + 1] = chw[plane + i];
            hwc[3 * i + 2] = chw[2 * plane + i];
        }
        return hwc;
    }

    /** The graph outputs one sample needs: the decoder's, plus the CAMs only when explaining. */
    public Set<String> outputsToFetch(boolean withCams) {
        Set<String> names = new LinkedHashSet<>();
        if (spec.yolo()) {
            names.add(spec.predictionsOutput());
        } else {
            names.add(spec.boxesOutput());
            names.add(spec.scoresOutput());
        }
        if (withCams) {
            names.add(spec.camsOutput());
        }
        return names;
    }

    /** Decodes one sample's outputs (batch dimension removed) with the descriptor's decoder. */
    public List<ScoredBox> postprocess(Map<String, Tensor> outputs, LetterboxGeometry g) {
        if (spec.yolo()) {
            return YoloDecoder.decode(output(outputs, spec.predictionsOutput()), spec.decoder(), spec.numClasses(), g,
                    options);
        }
        return postprocess(output(outputs, spec.boxesOutput()), output(outputs, spec.scoresOutput()), g);
    }

    private static Tensor output(Map<String, Tensor> outputs, String name) {
        Tensor t = outputs.get(name);
        if (t == null) {
            throw new IllegalArgumentException("output '" + name + "' is missing (got " + outputs.keySet() + ")");
        }
        return t;
    }

    /**
     * One CAM explanation per detected class: the class's map upsampled to the original frame through
     * the letterbox, as a PNG heatmap, and its weakly supervised box.
     *
     * @param cams one sample's CAMs, [C, h, w]
     */
    public Map<Integer, CamExplanation> explain(Tensor cams, List<ScoredBox> boxes, LetterboxGeometry g) {
        if (cams.rank() != 3 || cams.dim(0) != spec.numClasses()) {
            throw new IllegalArgumentException("cams output must be [" + spec.numClasses() + ",h,w] per sample, got " + cams);
        }
        int camH = (int) cams.dim(1);
        int camW = (int) cams.dim(2);
        float[] data = cams.floats();
        Map<Integer, CamExplanation> out = new LinkedHashMap<>();
        for (ScoredBox b : boxes) {
            if (out.containsKey(b.classId())) {
                continue; // one map per class, shared by that class's detections
            }
            float[] map = ClassActivationMaps.toFrame(data, b.classId(), camH, camW, spec.camStride(), g);
            out.put(b.classId(), new CamExplanation(b.classId(),
                    ClassActivationMaps.heatmapPng(map, g.srcWidth(), g.srcHeight()),
                    ClassActivationMaps.weakBox(map, g.srcWidth(), g.srcHeight(), ClassActivationMaps.BOX_THRESHOLD_FRACTION)));
        }
        return out;
    }

    /**
     * Decodes the project's own outputs (batch dimension removed): every (anchor, class) above the score
     * threshold becomes a candidate, mapped back to the source frame, then class-wise NMS.
     */
    public List<ScoredBox> postprocess(Tensor boxes, Tensor scores, LetterboxGeometry g) {
        // check the rank before reading any dimension: a scalar output must be a contract error, not an index error
        if (boxes.rank() != 2 || boxes.dim(1) != 4) {
            throw new IllegalArgumentException("boxes output must be [A,4] per sample, got " + boxes);
        }
        long anchors = boxes.dim(0);
        int classes = spec.numClasses();
        if (scores.rank() != 2 || scores.dim(0) != anchors || scores.dim(1) != classes) {
            throw new IllegalArgumentException("scores output must be [" + anchors + "," + classes + "] per sample, got "
                    + scores + " (does the descriptor's class list match the model?)");
        }
        float[] b = boxes.floats();
        float[] s = scores.floats();
        float thr = options.scoreThreshold();
        List<ScoredBox> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            int row = a * classes;
            for (int c = 0; c < classes; c++) {
                float score = s[row + c];
                if (score >= thr && score <= 1.0f) {
                    float[] src = g.toSource(b[a * 4], b[a * 4 + 1], b[a * 4 + 2], b[a * 4 + 3]);
                    if (src[2] > src[0] && src[3] > src[1]) { // boxes clipped to nothing are not objects
                        candidates.add(new ScoredBox(c, score, src[0], src[1], src[2], src[3]));
                    }
                }
            }
        }
        return Nms.classWise(candidates, thr, options.iouThreshold(), options.maxDetections());
    }
}
