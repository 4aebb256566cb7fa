package io.visionstreams.topology.classical;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.NORM_HAMMING;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_calib3d;
import org.bytedeco.opencv.opencv_core.DMatch;
import org.bytedeco.opencv.opencv_core.DMatchVector;
import org.bytedeco.opencv.opencv_core.KeyPointVector;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_features2d.BFMatcher;
import org.bytedeco.opencv.opencv_features2d.ORB;

import io.visionstreams.imaging.Image;
import io.visionstreams.schema.GeometryKind;
import io.visionstreams.topology.DisparityEstimator;
import io.visionstreams.topology.PairMatcher;

/**
 * OpenCV ORB keypoints and binary descriptors, brute-force Hamming matching with cross-check (mutual
 * nearest neighbours), optional RANSAC homography or fundamental matrix: the classical baseline
 * ({@code --match-method orb}) and the stand-in until the CNN patch matcher is plugged in.
 */
public final class OrbPairMatcher implements PairMatcher {

    public static final String NAME = "opencv-orb";

    /** Which geometry to fit to the matches; inlier flags come from its RANSAC mask. */
    public enum Geometry { NONE, HOMOGRAPHY, FUNDAMENTAL }

    private final int maxFeatures;
    private final Geometry geometry;
    private final double ransacPx;

    public OrbPairMatcher() {
        this(1000, Geometry.HOMOGRAPHY, 3.0);
    }

    public OrbPairMatcher(int maxFeatures, Geometry geometry, double ransacPx) {
        if (maxFeatures < 1) {
            throw new IllegalArgumentException("max features must be positive, got " + maxFeatures);
        }
        this.maxFeatures = maxFeatures;
        this.geometry = geometry;
        this.ransacPx = ransacPx;
    }

    @Override
    public DisparityEstimator.Identity identity() {
        return new DisparityEstimator.Identity(NAME, OpenCvGray.openCvVersion(), "opencv-cpu");
    }

    @Override
    public Result match(Image a, Image b) {
        try (PointerScope scope = new PointerScope()) {
            long t0 = System.nanoTime();
            Mat ga = OpenCvGray.of(a);
            Mat gb = OpenCvGray.of(b);
            // a detector per call: OpenCV feature objects are not documented as thread-safe
            ORB orb = ORB.create(maxFeatures, 1.2f, 8, 31, 0, 2, ORB.HARRIS_SCORE, 31, 20);
            KeyPointVector ka = new KeyPointVector();
            KeyPointVector kb = new KeyPointVector();
            Mat da = new Mat();
            Mat db = new Mat();
            orb.detectAndCompute(ga, new Mat(), ka, da);
            orb.detectAndCompute(gb, new Mat(), kb, db);
            long t1 = System.nanoTime();
            List<float[]> pts = new ArrayList<>();
            List<Float> scores = new ArrayList<>();
            if (!da.empty() && !db.empty()) {
                DMatchVector dm = new DMatchVector();
                new BFMatcher(NORM_HAMMING, true).match(da, db, dm); // crossCheck = mutual nearest neighbours
                for (long i = 0; i < dm.size(); i++) {
                    DMatch m = dm.get(i);
                    Point2f pa = ka.get(m.queryIdx()).pt();
                    Point2f pb = kb.get(m.trainIdx()).pt();
                    pts.add(new float[] {pa.x(), pa.y(), pb.x(), pb.y()});
                    scores.add(1f - m.distance() / 256f); // 256-bit descriptors: 1 = identical
                }
            }
            long t2 = System.nanoTime();
            boolean[] inlier = new boolean[pts.size()];
            java.util.Arrays.fill(inlier, true);
            GeometryKind kind = null;
            double[] matrix = null;
            int needed = geometry == Geometry.HOMOGRAPHY ? 4 : 8;
            if (geometry != Geometry.NONE && pts.size() >= needed) {
                Mat src = points(pts, 0);
                Mat dst = points(pts, 2);
                Mat mask = new Mat();
                Mat g = geometry == Geometry.HOMOGRAPHY
                        ? opencv_calib3d.findHomography(src, dst, opencv_calib3d.RANSAC, ransacPx, mask, 2000, 0.995)
                        : opencv_calib3d.findFundamentalMat(src, dst, opencv_calib3d.FM_RANSAC, ransacPx, 0.99, mask);
                if (g != null && !g.empty() && g.rows() == 3 && g.cols() == 3 && g.type() == CV_64F) {
                    matrix = new double[9];
                    new DoublePointer(g.data()).get(matrix);
                    kind = geometry == Geometry.HOMOGRAPHY ? GeometryKind.HOMOGRAPHY : GeometryKind.FUNDAMENTAL;
                    if (!mask.empty() && mask.total() == pts.size()) {
                        byte[] flags = new byte[pts.size()];
                        new BytePointer(mask.data()).get(flags);
                        for (int i = 0; i < flags.length; i++) {
                            inlier[i] = flags[i] != 0;
                        }
                    }
                }
            }
            List<Match> matches = new ArrayList<>(pts.size());
            for (int i = 0; i < pts.size(); i++) {
                float[] p = pts.get(i);
                matches.add(new Match(p[0], p[1], p[2], p[3], scores.get(i), inlier[i]));
            }
            long t3 = System.nanoTime();
            return new Result(matches, kind, matrix, (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000);
        }
    }

    private static Mat points(List<float[]> pts, int offset) {
        Mat m = new Mat(pts.size(), 1, CV_32FC2);
        float[] xy = new float[pts.size() * 2];
        for (int i = 0; i < pts.size(); i++) {
            xy[2 * i] = pts.get(i)[offset];
            xy[2 * i + 1] = pts.get(i)[offset + 1];
        }
        new FloatPointer(m.data()).put(xy);
        return m;
    }
}
