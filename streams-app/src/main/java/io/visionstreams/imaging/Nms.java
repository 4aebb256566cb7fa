package io.visionstreams.imaging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Non-maximum suppression over detector output. */
public final class Nms {

    private Nms() {
    }

    /** Intersection over union; 0 when the union is empty (degenerate boxes never suppress anything). */
    public static float iou(ScoredBox a, ScoredBox b) {
        float iw = Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1());
        float ih = Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1());
        if (!(iw > 0) || !(ih > 0)) {
            return 0f;
        }
        float inter = iw * ih;
        float union = area(a) + area(b) - inter;
        return union > 0 ? inter / union : 0f;
    }

    private static float area(ScoredBox b) {
        return Math.max(0f, b.x2() - b.x1()) * Math.max(0f, b.y2() - b.y1());
    }

    /**
     * Class-wise greedy NMS: boxes of different classes never suppress each other. Drops score < scoreThreshold
     * first, keeps at most maxDetections (highest scores) in the result, sorted by descending score. A box is
     * suppressed when its IoU with an already kept box of the same class is greater than iouThreshold.
     */
    public static List<ScoredBox> classWise(List<ScoredBox> boxes, float scoreThreshold, float iouThreshold,
            int maxDetections) {
        if (maxDetections < 0) {
            throw new IllegalArgumentException("maxDetections must be >= 0, got " + maxDetections);
        }
        List<ScoredBox> candidates = new ArrayList<>();
        for (ScoredBox b : boxes) {
            // `!(x < t)` would let NaN scores through; a NaN from a broken model must never become a detection
            if (b.score() >= scoreThreshold) {
                candidates.add(b);
            }
        }
        // stable sort: equal scores keep input order, so the result is deterministic
        candidates.sort(Comparator.comparingDouble(ScoredBox::score).reversed());
        List<ScoredBox> kept = new ArrayList<>(Math.min(candidates.size(), maxDetections));
        Map<Integer, List<ScoredBox>> keptByClass = new HashMap<>();
        // visiting in global score order means the first maxDetections survivors are the best ones overall
        for (ScoredBox c : candidates) {
            if (kept.size() >= maxDetections) {
                break;
            }
            List<ScoredBox> same = keptByClass.computeIfAbsent(c.classId(), k -> new ArrayList<>());
            boolean suppressed = false;
            for (ScoredBox k : same) {
                if (iou(c, k) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                same.add(c);
                kept.add(c);
            }
        }
        return kept;
    }
}
