package io.visionstreams.models.matching;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.Random;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import io.visionstreams.imaging.Image;

/** Synthetic textured scenes and their warps for the matching tests (8-bit gray, heap copies). */
final class Scenes {

    private Scenes() {
    }

    /** Smooth random texture: uniform noise blurred with σ, stretched to 0..255. */
    static Image smoothNoise(int w, int h, double sigma, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[w * h];
        r.nextBytes(px);
        try (Mat m = fromBytes(w, h, px); Mat f = new Mat(); Size none = new Size(0, 0)) {
            opencv_imgproc.GaussianBlur(m, f, none, sigma);
            opencv_core.normalize(f, f, 0, 255, opencv_core.NORM_MINMAX, -1, null);
            return toImage(f);
        }
    }

    /**
     * A corner-rich scene: random filled rectangles and circles of random gray levels over a faint
     * texture, lightly blurred, like the man-made structure keypoint detectors favour.
     */
    static Image shapes(int w, int h, long seed) {
        Random r = new Random(seed);
        Image base = smoothNoise(w, h, 4, seed + 1);
        try (Mat m = fromBytes(w, h, base.pixels())) {
            m.convertTo(m, -1, 0.4, 0); // faint background, so the shapes dominate
            for (int i = 0; i < 90; i++) {
                try (Scalar c = new Scalar(30 + r.nextInt(220))) {
                    int x = r.nextInt(w), y = r.nextInt(h), s = 8 + r.nextInt(40);
                    if (r.nextBoolean()) {
                        try (Point p1 = new Point(x, y); Point p2 = new Point(x + s, y + (int) (s * (0.5 + r.nextDouble())))) {
                            opencv_imgproc.rectangle(m, p1, p2, c, -1, opencv_imgproc.LINE_AA, 0);
                        }
                    } else {
                        try (Point p = new Point(x, y)) {
                            opencv_imgproc.circle(m, p, s / 2, c, -1, opencv_imgproc.LINE_AA, 0);
                        }
                    }
                }
            }
            try (Mat b = new Mat(); Size k = new Size(3, 3)) {
                opencv_imgproc.GaussianBlur(m, b, k, 0.8);
                return toImage(b);
            }
        }
    }

    /** B(H·p) = A(p): warps A by the homography (row-major, A → B), same size, black outside. */
    static Image warp(Image a, double[] h) {
        try (Mat m = fromBytes(a.width(), a.height(), a.pixels()); Mat out = new Mat(); Mat hm = new Mat(3, 3, CV_64F);
             Size sz = new Size(a.width(), a.height())) {
            ((DoubleBuffer) hm.createBuffer()).put(h);
            opencv_imgproc.warpPerspective(m, out, hm, sz, opencv_imgproc.INTER_LINEAR, opencv_core.BORDER_CONSTANT,
                    new Scalar(0.0));
            return toImage(out);
        }
    }

    /** Rotation by α degrees (image coordinates) and scale σ about (cx, cy), as a homography. */
    static double[] similarity(double alphaDeg, double sigma, double cx, double cy) {
        double c = Math.cos(Math.toRadians(alphaDeg)) * sigma, s = Math.sin(Math.toRadians(alphaDeg)) * sigma;
        return new double[] {c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy, 0, 0, 1};
    }

    static Mat fromBytes(int w, int h, byte[] px) {
        Mat m = new Mat(h, w, CV_8UC1);
        ((ByteBuffer) m.createBuffer()).put(px);
        return m;
    }

    static Mat gray(Image img) {
        return GrayMats.of(img);
    }

    private static Image toImage(Mat m8) {
        byte[] px = new byte[m8.cols() * m8.rows()];
        ((ByteBuffer) m8.createBuffer()).get(px);
        return new Image(m8.cols(), m8.rows(), 1, px);
    }
}
