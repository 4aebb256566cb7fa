package io.visionstreams.models.matching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.KeyPoint;
import org.bytedeco.opencv.opencv_core.KeyPointVector;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_features2d.FastFeatureDetector;
import org.bytedeco.opencv.opencv_features2d.Feature2D;
import org.bytedeco.opencv.opencv_features2d.MSER;
import org.bytedeco.opencv.opencv_features2d.ORB;

/** Keypoints from OpenCV's FAST, ORB or MSER, capped to a count with response-based, spatially spread selection. */
public final class KeypointDetector {

    public enum Kind {
        FAST, ORB, MSER;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown keypoint detector '" + s + "': use fast, orb or mser");
            }
        }
    }

    /**
     * FAST has no scale: its keypoints get the size of an ORB keypoint on the finest level (ORB's
     * patch size, 31 px), so that every detector's patches cover the same area at scale 1.
     */
    public static final float FAST_SIZE = 31f;

    /** Detectors are asked for this many times the cap, so that selection has something to choose from. */
    private static final int OVERSAMPLE = 3;

    private KeypointDetector() {
    }

    /** Detects on an 8-bit single-channel image and keeps at most {@code max} keypoints. */
    public static List<Keypoint> detect(Mat gray, Kind kind, int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("max keypoints must be positive: " + max);
        }
        List<Keypoint> raw = new ArrayList<>();
        try (PointerScope scope = new PointerScope(); Feature2D det = create(kind, max);
             KeyPointVector kps = new KeyPointVector()) {
            det.detect(gray, kps);
            for (long i = 0; i < kps.size(); i++) {
                KeyPoint k = kps.get(i);
                float x = k.pt().x(), y = k.pt().y();
                switch (kind) {
                    case FAST -> raw.add(new Keypoint(x, y, FAST_SIZE, -1, k.response()));
                    // MSER gives no response; a larger stable region is the better bet
                    case MSER -> raw.add(new Keypoint(x, y, k.size(), -1, k.size()));
                    default -> raw.add(new Keypoint(x, y, k.size(), k.angle(), k.response()));
                }
            }
        }
        return select(raw, max, gray.cols(), gray.rows());
    }

    private static Feature2D create(Kind kind, int max) {
        return switch (kind) {
            case ORB -> ORB.create(OVERSAMPLE * max, 1.2f, 8, 31, 0, 2, ORB.HARRIS_SCORE, 31, 20);
            case FAST -> FastFeatureDetector.create(20, true, FastFeatureDetector.TYPE_9_16);
            case MSER -> MSER.create();
        };
    }

    /**
     * Keeps at most {@code max} keypoints, strongest first, but skips any keypoint closer than r to one
     * already kept, with r chosen so that {@code max} discs of radius r would cover the image: corners
     * cluster on texture, and a matcher needs them spread out for a stable geometry. If spacing leaves
     * fewer than {@code max}, the strongest skipped ones fill up. Near-duplicates (same position within
     * half a pixel and similar size, e.g. one corner on two pyramid levels) are always dropped.
     */
    public static List<Keypoint> select(List<Keypoint> candidates, int max, int width, int height) {
        List<Keypoint> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Keypoint::response).reversed());
        double r = Math.sqrt((double) width * height / (Math.PI * max));
        double cell = Math.max(1, r);
        int gw = (int) Math.ceil(width / cell) + 1, gh = (int) Math.ceil(height / cell) + 1;
        List<List<Keypoint>> grid = new ArrayList<>(gw * gh);
        for (int i = 0; i < gw * gh; i++) {
            grid.add(new ArrayList<>(2));
        }
        List<Keypoint> kept = new ArrayList<>(Math.min(max, sorted.size()));
        List<Keypoint> skipped = new ArrayList<>();
        for (Keypoint k : sorted) {
            if (kept.size() >= max) {
                break;
            }
            int cx = clamp((int) (k.x() / cell), gw), cy = clamp((int) (k.y() / cell), gh);
            boolean near = false;
            for (int dy = -1; dy <= 1 && !near; dy++) {
                for (int dx = -1; dx <= 1 && !near; dx++) {
                    int gx = cx + dx, gy = cy + dy;
                    if (gx < 0 || gy < 0 || gx >= gw || gy >= gh) {
                        continue;
                    }
                    for (Keypoint o : grid.get(gy * gw + gx)) {
                        if (Math.hypot(o.x() - k.x(), o.y() - k.y()) < r) {
                            near = true;
                            break;
                        }
                    }
                }
            }
            if (near) {
                skipped.add(k);
            } else {
                kept.add(k);
                grid.get(cy * gw + cx).add(k);
            }
        }
        for (Keypoint k : skipped) {
            if (kept.size() >= max) {
                break;
            }
            if (!duplicate(k, kept)) {
                kept.add(k);
            }
        }
        return kept;
    }

    private static boolean duplicate(Keypoint k, List<Keypoint> kept) {
        for (Keypoint o : kept) {
            if (Math.abs(o.x() - k.x()) < 0.5f && Math.abs(o.y() - k.y()) < 0.5f
                    && Math.abs(o.size() - k.size()) < 0.25f * Math.max(o.size(), k.size())) {
                return true;
            }
        }
        return false;
    }

    private static int clamp(int v, int n) {
        return Math.max(0, Math.min(n - 1, v));
    }
}
