package io.visionstreams.models.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * COCO-style box AP (standard definition, models-detection.md §6): per class and IoU threshold, detections of
 * all images sorted by score, each greedily matched to the highest-IoU still-unmatched ground truth of its
 * image with IoU ≥ t; precision made monotone (envelope) and sampled at the 101 recall points 0:0.01:1.
 * mAP@[.5:.95] averages thresholds .50:.05:.95 and the classes that have ground truth; AP50 is t = 0.5.
 */
public final class CocoEval {

    public static final double[] IOU_THRESHOLDS = {0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95};

    /** A scored detection in one image. */
    public record Det(float x1, float y1, float x2, float y2, int cls, float score) {
        GtBox box() {
            return new GtBox(x1, y1, x2, y2, cls);
        }
    }

    public record Result(double map, double ap50, double ap75, double[][] apPerClassThreshold) {
    }

    private CocoEval() {
    }

    public static Result evaluate(List<List<GtBox>> gts, List<List<Det>> dets, int numClasses) {
        double[][] ap = new double[numClasses][IOU_THRESHOLDS.length];
        boolean[] present = new boolean[numClasses];
        for (int c = 0; c < numClasses; c++) {
            for (int t = 0; t < IOU_THRESHOLDS.length; t++) {
                ap[c][t] = ap(gts, dets, c, IOU_THRESHOLDS[t]);
                present[c] = ap[c][t] >= 0;
            }
        }
        double map = 0;
        double ap50 = 0;
        double ap75 = 0;
        int n = 0;
        for (int c = 0; c < numClasses; c++) {
            if (!present[c]) {
                continue; // COCO leaves classes without ground truth out of the mean
            }
            n++;
            map += Arrays.stream(ap[c]).average().orElse(0);
            ap50 += ap[c][0];
            ap75 += ap[c][5];
        }
        return n == 0 ? new Result(0, 0, 0, ap) : new Result(map / n, ap50 / n, ap75 / n, ap);
    }

    /** AP of one class at one IoU threshold; −1 when the class has no ground truth. */
    public static double ap(List<List<GtBox>> gts, List<List<Det>> dets, int cls, double thr) {
        int nGt = 0;
        record Scored(int image, Det det) {
        }
        List<Scored> all = new ArrayList<>();
        for (int i = 0; i < gts.size(); i++) {
            for (GtBox g : gts.get(i)) {
                nGt += g.cls() == cls ? 1 : 0;
            }
            for (Det d : dets.get(i)) {
                if (d.cls() == cls) {
                    all.add(new Scored(i, d));
                }
            }
        }
        if (nGt == 0) {
            return -1;
        }
        // stable sort: ties keep input order, as COCO's mergesort does
        all.sort(Comparator.comparingDouble((Scored s) -> -s.det().score()));
        List<boolean[]> used = new ArrayList<>();
        for (List<GtBox> g : gts) {
            used.add(new boolean[g.size()]);
        }
        double[] precision = new double[all.size()];
        double[] recall = new double[all.size()];
        int tp = 0;
        for (int k = 0; k < all.size(); k++) {
            Scored s = all.get(k);
            List<GtBox> g = gts.get(s.image());
            boolean[] u = used.get(s.image());
            int best = -1;
            double bestIou = thr;
            for (int j = 0; j < g.size(); j++) {
                if (g.get(j).cls() != cls || u[j]) {
                    continue;
                }
                double iou = s.det().box().iou(g.get(j));
                if (iou >= bestIou) {
                    bestIou = iou;
                    best = j;
                }
            }
            if (best >= 0) {
                u[best] = true;
                tp++;
            }
            precision[k] = tp / (double) (k + 1);
            recall[k] = tp / (double) nGt;
        }
        for (int k = precision.length - 2; k >= 0; k--) {
            precision[k] = Math.max(precision[k], precision[k + 1]);
        }
        double sum = 0;
        int k = 0;
        for (int r = 0; r <= 100; r++) {
            double rec = r / 100.0;
            while (k < recall.length && recall[k] < rec - 1e-12) {
                k++;
            }
            sum += k < recall.length ? precision[k] : 0;
        }
        return sum / 101;
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
