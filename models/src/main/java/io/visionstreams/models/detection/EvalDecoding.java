package io.visionstreams.models.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.visionstreams.eval.CocoEval.Det;

/**
 * The trainer's decoding of contract outputs for evaluation (the service has its own in streams-app's
 * DetectionTranslator; the trainer cannot depend on streams-app). Scoring lives in
 * {@link io.visionstreams.eval.CocoEval}.
 */
public final class EvalDecoding {

    private EvalDecoding() {
    }

    /**
     * Contract outputs of one image → detections: score threshold, top {@code preNms} candidates, greedy
     * per-class NMS at {@code nmsIou} (0.5, the better MultiPath setting, §1.6), then top {@code maxDets}.
     */
    public static List<Det> postprocess(float[] boxes, float[] scores, int offsetAnchor, int anchors, int classes,
                                        float scoreThr, double nmsIou, int preNms, int maxDets) {
        List<Det> cand = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            int ba = (offsetAnchor + a) * 4;
            for (int c = 0; c < classes; c++) {
                float s = scores[(offsetAnchor + a) * classes + c];
                if (s >= scoreThr) {
                    cand.add(new Det(boxes[ba], boxes[ba + 1], boxes[ba + 2], boxes[ba + 3], c, s));
                }
            }
        }
        cand.sort(Comparator.comparingDouble((Det d) -> -d.score()));
        if (cand.size() > preNms) {
            cand = new ArrayList<>(cand.subList(0, preNms));
        }
        List<Det> keep = nms(cand, nmsIou);
        return keep.size() > maxDets ? keep.subList(0, maxDets) : keep;
    }

    /** Greedy per-class NMS over detections sorted by descending score. */
    public static List<Det> nms(List<Det> sorted, double iouThr) {
        List<Det> keep = new ArrayList<>();
        boolean[] dead = new boolean[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            if (dead[i]) {
                continue;
            }
            Det d = sorted.get(i);
            keep.add(d);
            for (int j = i + 1; j < sorted.size(); j++) {
                Det e = sorted.get(j);
                if (!dead[j] && e.cls() == d.cls() && d.box().iou(e.box()) > iouThr) {
                    dead[j] = true;
                }
            }
        }
        return keep;
    }
}
