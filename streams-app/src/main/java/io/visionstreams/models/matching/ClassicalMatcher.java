package io.visionstreams.models.matching;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.KeyPoint;
import org.bytedeco.opencv.opencv_core.KeyPointVector;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_features2d.Feature2D;
import org.bytedeco.opencv.opencv_features2d.ORB;
import org.bytedeco.opencv.opencv_features2d.SIFT;

import io.visionstreams.imaging.Image;

/**
 * The classical baselines on the same terms as {@link PatchMatcher}: SIFT or ORB keypoints and
 * descriptors from OpenCV, the same keypoint cap and spatial selection, the same mutual
 * nearest-neighbour + ratio matching (L2 for SIFT, Hamming for ORB) and the same RANSAC step.
 */
public final class ClassicalMatcher {

    public enum Kind {
        SIFT, ORB;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown baseline '" + s + "': use sift or orb");
            }
        }
    }

    private static final int OVERSAMPLE = 3;

    /** The OpenCV version these baselines ran on, for result records. */
    public static String openCvVersion() {
        return org.bytedeco.opencv.global.opencv_core.CV_VERSION_MAJOR + "."
                + org.bytedeco.opencv.global.opencv_core.CV_VERSION_MINOR + "."
                + org.bytedeco.opencv.global.opencv_core.CV_VERSION_REVISION;
    }

    private ClassicalMatcher() {
    }

    /** Matches A and B; opt.detector, rescore and supportMultiple do not apply. */
    public static MatchResult match(Kind kind, Image a, Image b, MatchOptions opt) {
        long t0 = System.nanoTime();
        // the scope also frees the KeyPoint copies and views made along the way, not only the named Mats
        try (PointerScope scope = new PointerScope(); Mat ga = GrayMats.of(a); Mat gb = GrayMats.of(b); Feature2D f = create(kind, opt.maxKeypoints());
             KeyPointVector va = detect(f, ga, opt.maxKeypoints()); KeyPointVector vb = detect(f, gb, opt.maxKeypoints());
             Mat da = new Mat(); Mat db = new Mat()) {
            long t1 = System.nanoTime();
            f.compute(ga, va, da); // may drop keypoints too close to the border: read them back afterwards
            f.compute(gb, vb, db);
            List<Keypoint> ka = toList(va), kb = toList(vb);
            long t2 = System.nanoTime();
            float[] dist;
            if (ka.isEmpty() || kb.isEmpty()) {
                dist = new float[0];
            } else if (kind == Kind.SIFT) {
                dist = MutualMatcher.l2Distances(floats(da), ka.size(), floats(db), kb.size(), da.cols());
            } else {
                dist = MutualMatcher.hammingDistances(bytes(da), ka.size(), bytes(db), kb.size(), da.cols());
            }
            List<MutualMatcher.Candidate> cands = ka.isEmpty() || kb.isEmpty() ? List.of()
                    : MutualMatcher.match(dist, ka.size(), kb.size(), opt.ratio());
            float[] scores = new float[cands.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = -cands.get(i).distance();
            }
            long t3 = System.nanoTime();
            return PatchMatcher.assemble(kind.name().toLowerCase(Locale.ROOT), ka, kb, cands, scores, opt, t0, t1, t1, t2,
                    t3, t3);
        }
    }

    private static Feature2D create(Kind kind, int max) {
        return switch (kind) {
            case SIFT -> SIFT.create();
            case ORB -> ORB.create(OVERSAMPLE * max, 1.2f, 8, 31, 0, 2, ORB.HARRIS_SCORE, 31, 20);
        };
    }

    /** Detects, then keeps the keypoints {@link KeypointDetector#select} picks (OpenCV's own objects, octave included). */
    private static KeyPointVector detect(Feature2D f, Mat gray, int max) {
        try (KeyPointVector all = new KeyPointVector()) {
            f.detect(gray, all);
            Map<Keypoint, KeyPoint> byRecord = new IdentityHashMap<>();
            List<Keypoint> recs = new ArrayList<>();
            for (long i = 0; i < all.size(); i++) {
                KeyPoint k = all.get(i);
                Keypoint r = new Keypoint(k.pt().x(), k.pt().y(), k.size(), k.angle(), k.response());
                recs.add(r);
                byRecord.put(r, k);
            }
            List<Keypoint> kept = KeypointDetector.select(recs, max, gray.cols(), gray.rows());
            KeyPointVector out = new KeyPointVector(kept.size());
            for (int i = 0; i < kept.size(); i++) {
                out.put(i, new KeyPoint(byRecord.get(kept.get(i))));
            }
            return out;
        }
    }

    private static List<Keypoint> toList(KeyPointVector v) {
        List<Keypoint> out = new ArrayList<>((int) v.size());
        for (long i = 0; i < v.size(); i++) {
            KeyPoint k = v.get(i);
            out.add(new Keypoint(k.pt().x(), k.pt().y(), k.size(), k.angle(), k.response()));
        }
        return out;
    }

    private static float[] floats(Mat m) {
        if (m.type() != CV_32F) {
            throw new IllegalStateException("expected float descriptors, got type " + m.type());
        }
        float[] d = new float[m.rows() * m.cols()];
        ((FloatBuffer) m.createBuffer()).get(d);
        return d;
    }

    private static byte[] bytes(Mat m) {
        if (m.depth() != CV_8U) {
            throw new IllegalStateException("expected binary descriptors, got type " + m.type());
        }
        byte[] d = new byte[m.rows() * m.cols()];
        ((ByteBuffer) m.createBuffer()).get(d);
        return d;
    }
}
