package io.visionstreams.models.detection;

import java.util.ArrayList;
import java.util.List;

import io.visionstreams.imaging.LetterboxGeometry;
import io.visionstreams.imaging.Nms;
import io.visionstreams.imaging.ScoredBox;
import io.visionstreams.inference.Tensor;

/**
 * Decoders for bring-your-own YOLO-style detectors, as a plain function of one sample's prediction
 * tensor (batch dimension removed). Per anchor point the tensor holds cx, cy, w, h in network-input
 * pixels, then (v5 only) an objectness, then C class scores:
 * <ul>
 * <li>{@code yolo-v8}: [A, 4+C], or transposed [4+C, A] as exported by recent YOLO versions; the score
 * of class c is its class score.</li>
 * <li>{@code yolo-v5}: [A, 5+C] (or transposed); the score of class c is objectness · class score.</li>
 * </ul>
 * The orientation is read from the shape: the dimension equal to 4+C (5+C) holds the attributes; when
 * both do, anchors-first is assumed.
 */
public final class YoloDecoder {

    private YoloDecoder() {
    }

    /** Candidates above the score threshold, mapped back through the letterbox, then class-wise NMS. */
    public static List<ScoredBox> decode(Tensor predictions, String decoder, int classes, LetterboxGeometry g,
                                         DetectionOptions options) {
        boolean v5 = DetectorSpec.DECODER_YOLO_V5.equals(decoder);
        if (!v5 && !DetectorSpec.DECODER_YOLO_V8.equals(decoder)) {
            throw new IllegalArgumentException("not a YOLO decoder: " + decoder);
        }
        int attrs = (v5 ? 5 : 4) + classes;
        if (predictions.rank() != 2) {
            throw new IllegalArgumentException(decoder + " predictions must be [A," + attrs + "] or [" + attrs
                    + ",A] per sample, got " + predictions);
        }
        boolean anchorsFirst;
        if (predictions.dim(1) == attrs) {
            anchorsFirst = true;
        } else if (predictions.dim(0) == attrs) {
            anchorsFirst = false;
        } else {
            throw new IllegalArgumentException(decoder + " predictions " + predictions + " have no dimension of "
                    + attrs + " = " + (v5 ? "5" : "4") + " + " + classes + " classes (does the descriptor's class list match the model?)");
        }
        int anchors = (int) (anchorsFirst ? predictions.dim(0) : predictions.dim(1));
        float[] p = predictions.floats();
        // element (anchor a, attribute k) in either orientation
        int strideA = anchorsFirst ? attrs : 1;
        int strideK = anchorsFirst ? 1 : anchors;
        float thr = options.scoreThreshold();
        int first = v5 ? 5 : 4;
        List<ScoredBox> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            int base = a * strideA;
            float obj = v5 ? p[base + 4 * strideK] : 1f;
            if (v5 && obj < thr) {
                continue; // obj · cls ≤ obj: nothing of this anchor can pass
            }
            float[] src = null;
            for (int c = 0; c < classes; c++) {
                float score = obj * p[base + (first + c) * strideK];
                if (!(score >= thr) || score > 1f) {
                    continue;
                }
                if (src == null) {
                    float cx = p[base];
                    float cy = p[base + strideK];
                    float hw = p[base + 2 * strideK] / 2;
                    float hh = p[base + 3 * strideK] / 2;
                    src = g.toSource(cx - hw, cy - hh, cx + hw, cy + hh);
                }
                if (src[2] > src[0] && src[3] > src[1]) {
                    candidates.add(new ScoredBox(c, score, src[0], src[1], src[2], src[3]));
                }
            }
        }
        return Nms.classWise(candidates, thr, options.iouThreshold(), options.maxDetections());
    }
}
