package io.visionstreams.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * COCO box evaluation (standard definition, models-detection.md §6), the one implementation shared by
 * the trainer and the service. It follows pycocotools' {@code COCOeval} for bbox:
 * <ul>
 * <li>per image and class, detections sorted by score (stable) and cut to {@code maxDets}; each is matched
 * greedily to the highest-IoU ground truth with IoU ≥ t that is still free (a crowd region may take any
 * number of detections, and its IoU is intersection / detection area); matches to regular ground truth
 * are preferred over matches to ignored ground truth;</li>
 * <li>area ranges: ground truth outside the range (by its annotation area) or crowd is ignored, and so is
 * an unmatched detection outside the range; a detection matched to ignored ground truth is ignored;</li>
 * <li>per class, the detections of all images by score; precision made monotone (envelope) and read at
 * the 101 recall points {@code i·0.01} (the first point whose recall reaches the threshold; none: 0);</li>
 * <li>AP is the mean over IoU thresholds .50:.05:.95, recall points and the classes that have
 * non-ignored ground truth in that area range.</li>
 * </ul>
 */
public final class CocoEval {

    public static final double[] IOU_THRESHOLDS = {0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95};
    public static final int RECALL_POINTS = 101;
    public static final int DEFAULT_MAX_DETS = 100;

    /** COCO's area ranges in square pixels: small < 32², medium 32²..96², large > 96² (bounds inclusive). */
    public enum AreaRange {
        ALL(0, 1e10), SMALL(0, 32 * 32), MEDIUM(32 * 32, 96 * 96), LARGE(96 * 96, 1e10);

        public final double min;
        public final double max;

        AreaRange(double min, double max) {
            this.min = min;
            this.max = max;
        }

        boolean contains(double area) {
            return area >= min && area <= max;
        }
    }

    /** A scored detection in one image. */
    public record Det(float x1, float y1, float x2, float y2, int cls, float score) {
        public GtBox box() {
            return new GtBox(x1, y1, x2, y2, cls);
        }
    }

    /**
     * A ground-truth annotation: its box, the area used for area ranges (COCO uses the annotation's area,
     * which for segmented objects is the mask area, not the box area) and the crowd flag.
     */
    public record Gt(GtBox box, double area, boolean crowd) {
        public static Gt of(GtBox box) {
            return new Gt(box, box.area(), false);
        }
    }

    /**
     * @param map           mAP@[.5:.95], area all
     * @param ap50          AP at IoU .50
     * @param ap75          AP at IoU .75
     * @param apSmall       mAP@[.5:.95] for small objects; −1 when no class has small ground truth
     * @param apPerClass    per class mAP@[.5:.95] (area all); −1 for classes without ground truth
     * @param apPerClassThreshold per class and IoU threshold (area all); −1 without ground truth
     */
    public record Result(double map, double ap50, double ap75, double apSmall, double apMedium, double apLarge,
                         double[] apPerClass, double[][] apPerClassThreshold) {
    }

    private CocoEval() {
    }

    /** Plain boxes (area = box area, no crowd), maxDets 100. */
    public static Result evaluate(List<List<GtBox>> gts, List<List<Det>> dets, int numClasses) {
        List<List<Gt>> annotated = new ArrayList<>(gts.size());
        for (List<GtBox> image : gts) {
            annotated.add(image.stream().map(Gt::of).toList());
        }
        return evaluateAnnotated(annotated, dets, numClasses, DEFAULT_MAX_DETS);
    }

    /** Per image (same index in both lists) ground truth and detections; classes are 0..numClasses-1. */
    public static Result evaluateAnnotated(List<List<Gt>> gts, List<List<Det>> dets, int numClasses, int maxDets) {
        if (gts.size() != dets.size()) {
            throw new IllegalArgumentException(gts.size() + " images of ground truth but " + dets.size() + " of detections");
        }
        int nT = IOU_THRESHOLDS.length;
        // precision[area][class][threshold] = the 101 interpolated precisions, or null (no ground truth)
        double[][][][] precision = new double[AreaRange.values().length][numClasses][nT][];
        for (AreaRange area : AreaRange.values()) {
            for (int c = 0; c < numClasses; c++) {
                double[][] q = classPrecision(gts, dets, c, area, maxDets);
                precision[area.ordinal()][c] = q == null ? new double[nT][] : q;
            }
        }
        int all = AreaRange.ALL.ordinal();
        double[][] perThreshold = new double[numClasses][nT];
        double[] perClass = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            for (int t = 0; t < nT; t++) {
                double[] q = precision[all][c][t];
                perThreshold[c][t] = q == null ? -1 : Arrays.stream(q).average().orElse(0);
            }
            perClass[c] = precision[all][c][0] == null ? -1 : Arrays.stream(perThreshold[c]).average().orElse(0);
        }
        return new Result(mean(precision[all], 0, nT), mean(precision[all], 0, 1), mean(precision[all], 5, 6),
                mean(precision[AreaRange.SMALL.ordinal()], 0, nT), mean(precision[AreaRange.MEDIUM.ordinal()], 0, nT),
                mean(precision[AreaRange.LARGE.ordinal()], 0, nT), perClass, perThreshold);
    }

    /** Mean over classes with ground truth, thresholds [t0, t1) and recall points; −1 when none. */
    private static double mean(double[][][] byClass, int t0, int t1) {
        double sum = 0;
        long n = 0;
        for (double[][] cls : byClass) {
            for (int t = t0; t < t1; t++) {
                if (cls[t] != null) {
                    for (double v : cls[t]) {
                        sum += v;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private record Scored(float score, boolean[] matched, boolean[] ignored, int order) {
    }

    /** Interpolated precision at the recall points, per IoU threshold; null when the class has no ground truth here. */
    static double[][] classPrecision(List<List<Gt>> gts, List<List<Det>> dets, int cls, AreaRange area, int maxDets) {
        int nT = IOU_THRESHOLDS.length;
        List<Scored> scored = new ArrayList<>();
        int npig = 0;
        int order = 0;
        for (int i = 0; i < gts.size(); i++) {
            List<Gt> g = new ArrayList<>();
            for (Gt x : gts.get(i)) {
                if (x.box().cls() == cls) {
                    g.add(x);
                }
            }
            boolean[] gIgnore = new boolean[g.size()];
            for (int j = 0; j < g.size(); j++) {
                gIgnore[j] = g.get(j).crowd() || !area.contains(g.get(j).area());
            }
            // regular ground truth first, so that a match to it is preferred (stable: keeps annotation order)
            Integer[] gOrder = new Integer[g.size()];
            for (int j = 0; j < gOrder.length; j++) {
                gOrder[j] = j;
            }
            Arrays.sort(gOrder, Comparator.comparing(j -> gIgnore[j]));
            List<Det> d = new ArrayList<>();
            for (Det x : dets.get(i)) {
                if (x.cls() == cls) {
                    d.add(x);
                }
            }
            d.sort(Comparator.comparingDouble((Det x) -> -x.score())); // stable, as COCO's mergesort
            if (d.size() > maxDets) {
                d = d.subList(0, maxDets);
            }
            for (boolean ig : gIgnore) {
                npig += ig ? 0 : 1;
            }
            boolean[][] dMatched = new boolean[nT][d.size()];
            boolean[][] dIgnored = new boolean[nT][d.size()];
            for (int t = 0; t < nT; t++) {
                boolean[] gTaken = new boolean[g.size()];
                for (int k = 0; k < d.size(); k++) {
                    double best = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
                    int m = -1;
                    for (int jj = 0; jj < gOrder.length; jj++) {
                        int j = gOrder[jj];
                        Gt gt = g.get(j);
                        if (gTaken[j] && !gt.crowd()) {
                            continue;
                        }
                        if (m > -1 && !gIgnore[m] && gIgnore[j]) {
                            break; // already matched regular ground truth; the rest is ignored ground truth
                        }
                        double iou = iou(d.get(k), gt);
                        if (iou < best) {
                            continue;
                        }
                        best = iou;
                        m = j;
                    }
                    if (m == -1) {
                        continue;
                    }
                    gTaken[m] = true;
                    dMatched[t][k] = true;
                    dIgnored[t][k] = gIgnore[m];
                }
                for (int k = 0; k < d.size(); k++) {
                    Det x = d.get(k);
                    double a = (double) (x.x2() - x.x1()) * (x.y2() - x.y1());
                    if (!dMatched[t][k] && !area.contains(a)) {
                        dIgnored[t][k] = true;
                    }
                }
            }
            for (int k = 0; k < d.size(); k++) {
                boolean[] m = new boolean[nT];
                boolean[] ig = new boolean[nT];
                for (int t = 0; t < nT; t++) {
                    m[t] = dMatched[t][k];
                    ig[t] = dIgnored[t][k];
                }
                scored.add(new Scored(d.get(k).score(), m, ig, order++));
            }
        }
        if (npig == 0) {
            return null;
        }
        scored.sort(Comparator.comparingDouble((Scored s) -> -s.score()).thenComparingInt(Scored::order));
        double[][] q = new double[nT][];
        for (int t = 0; t < nT; t++) {
            List<double[]> pr = new ArrayList<>(); // {recall, precision} after each counted detection
            int tp = 0;
            int fp = 0;
            for (Scored s : scored) {
                if (s.ignored()[t]) {
                    continue;
                }
                if (s.matched()[t]) {
                    tp++;
                } else {
                    fp++;
                }
                pr.add(new double[] {tp / (double) npig, tp / (tp + fp + Math.ulp(1.0))});
            }
            for (int k = pr.size() - 2; k >= 0; k--) {
                pr.get(k)[1] = Math.max(pr.get(k)[1], pr.get(k + 1)[1]);
            }
            double[] points = new double[RECALL_POINTS];
            int k = 0;
            for (int r = 0; r < RECALL_POINTS; r++) {
                // COCO's thresholds are np.linspace(0, 1, 101) = r·0.01, compared without tolerance
                double thr = r * 0.01;
                while (k < pr.size() && pr.get(k)[0] < thr) {
                    k++;
                }
                points[r] = k < pr.size() ? pr.get(k)[1] : 0;
            }
            q[t] = points;
        }
        return q;
    }

    /** Box IoU; against a crowd region, intersection over the detection's area (COCO's iscrowd rule). */
    static double iou(Det d, Gt g) {
        GtBox b = g.box();
        if (!g.crowd()) {
            return GtBox.iou(d.x1(), d.y1(), d.x2(), d.y2(), b.x1(), b.y1(), b.x2(), b.y2());
        }
        double iw = Math.min(d.x2(), b.x2()) - Math.max(d.x1(), b.x1());
        double ih = Math.min(d.y2(), b.y2()) - Math.max(d.y1(), b.y1());
        double area = (double) (d.x2() - d.x1()) * (d.y2() - d.y1());
        return iw <= 0 || ih <= 0 || area <= 0 ? 0 : iw * ih / area;
    }
}
