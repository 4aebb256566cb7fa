package io.visionstreams.models.data;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;

import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Image I/O and resizing through OpenCV, converting at once to heap arrays so that no native
 * object outlives the call (every Mat is closed here).
 */
public final class Images {

    private Images() {
    }

    public static GrayImage readGray(Path file) {
        try (Mat m = read(file, opencv_imgcodecs.IMREAD_GRAYSCALE)) {
            byte[] d = new byte[m.cols() * m.rows()];
            bytes(m).get(d);
            return new GrayImage(m.cols(), m.rows(), d);
        }
    }

    public static RgbImage readRgb(Path file) {
        try (Mat m = read(file, opencv_imgcodecs.IMREAD_COLOR)) {
            byte[] d = new byte[m.cols() * m.rows() * 3];
            bytes(m).get(d);
            swapRB(d); // OpenCV decodes to BGR
            return new RgbImage(m.cols(), m.rows(), d);
        }
    }

    /** Reads a single-channel 16-bit image (e.g. a KITTI disparity PNG) as unsigned values in an int array. */
    public static int[] read16(Path file, int[] sizeOut) {
        try (Mat m = read(file, opencv_imgcodecs.IMREAD_UNCHANGED)) {
            if (m.type() != CV_16UC1) {
                throw new UncheckedIOException(new IOException(file + ": expected a 16-bit single-channel image, got type " + m.type()));
            }
            short[] s = new short[m.cols() * m.rows()];
            ((ShortBuffer) m.createBuffer()).get(s);
            int[] out = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                out[i] = s[i] & 0xFFFF;
            }
            sizeOut[0] = m.cols();
            sizeOut[1] = m.rows();
            return out;
        }
    }

    public static void write16(Path file, int width, int height, int[] values) {
        try (Mat m = new Mat(height, width, CV_16UC1)) {
            short[] s = new short[values.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) values[i];
            }
            ((ShortBuffer) m.createBuffer()).put(s);
            write(file, m);
        }
    }

    public static void writeGray(Path file, GrayImage img) {
        try (Mat m = new Mat(img.height(), img.width(), CV_8UC1)) {
            bytes(m).put(img.data());
            write(file, m);
        }
    }

    public static void writeRgb(Path file, RgbImage img) {
        try (Mat m = new Mat(img.height(), img.width(), CV_8UC3)) {
            byte[] d = img.data().clone();
            swapRB(d);
            bytes(m).put(d);
            write(file, m);
        }
    }

    /** Resizes with area averaging when shrinking (no aliasing) and bilinear interpolation when enlarging. */
    public static RgbImage resize(RgbImage img, int width, int height) {
        return resize(img, width, height, interpolation(img.width(), img.height(), width, height));
    }

    /**
     * Resizes with OpenCV's area interpolation in both directions: how the v1 stylisation content loader
     * enlarged small images (kept so that style-cin/1's crops are reproduced exactly).
     */
    public static RgbImage resizeArea(RgbImage img, int width, int height) {
        return resize(img, width, height, opencv_imgproc.INTER_AREA);
    }

    private static RgbImage resize(RgbImage img, int width, int height, int interpolation) {
        if (img.width() == width && img.height() == height) {
            return img;
        }
        try (Mat src = new Mat(img.height(), img.width(), CV_8UC3); Mat dst = new Mat(); Size sz = new Size(width, height)) {
            bytes(src).put(img.data());
            opencv_imgproc.resize(src, dst, sz, 0, 0, interpolation);
            byte[] d = new byte[width * height * 3];
            bytes(dst).get(d);
            return new RgbImage(width, height, d);
        }
    }

    public static GrayImage resize(GrayImage img, int width, int height) {
        if (img.width() == width && img.height() == height) {
            return img;
        }
        try (Mat src = new Mat(img.height(), img.width(), CV_8UC1); Mat dst = new Mat(); Size sz = new Size(width, height)) {
            bytes(src).put(img.data());
            opencv_imgproc.resize(src, dst, sz, 0, 0, interpolation(img.width(), img.height(), width, height));
            byte[] d = new byte[width * height];
            bytes(dst).get(d);
            return new GrayImage(width, height, d);
        }
    }

    /** The image mirrored left–right. */
    public static RgbImage mirror(RgbImage img) {
        int w = img.width();
        byte[] src = img.data(), d = new byte[src.length];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, (y * w + x) * 3, d, (y * w + (w - 1 - x)) * 3, 3);
            }
        }
        return new RgbImage(w, img.height(), d);
    }

    /** Shrinks so that the longer side is at most maxSide (0 = no limit), keeping the aspect ratio. */
    public static GrayImage limitSide(GrayImage img, int maxSide) {
        int m = Math.max(img.width(), img.height());
        if (maxSide <= 0 || m <= maxSide) {
            return img;
        }
        double s = (double) maxSide / m;
        return resize(img, Math.max(1, (int) Math.round(img.width() * s)), Math.max(1, (int) Math.round(img.height() * s)));
    }

    public static RgbImage limitSide(RgbImage img, int maxSide) {
        int m = Math.max(img.width(), img.height());
        if (maxSide <= 0 || m <= maxSide) {
            return img;
        }
        double s = (double) maxSide / m;
        return resize(img, Math.max(1, (int) Math.round(img.width() * s)), Math.max(1, (int) Math.round(img.height() * s)));
    }

    private static int interpolation(int sw, int sh, int dw, int dh) {
        return dw < sw || dh < sh ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_LINEAR;
    }

    private static Mat read(Path file, int flags) {
        Mat m = opencv_imgcodecs.imread(file.toString(), flags);
        if (m == null || m.empty()) {
            if (m != null) {
                m.close();
            }
            throw new UncheckedIOException(new IOException("cannot decode image " + file));
        }
        if (!m.isContinuous()) {
            // imread output is continuous in practice; clone keeps the flat-buffer copies below valid regardless
            Mat c = m.clone();
            m.close();
            return c;
        }
        return m;
    }

    private static void write(Path file, Mat m) {
        if (!opencv_imgcodecs.imwrite(file.toString(), m)) {
            throw new UncheckedIOException(new IOException("cannot write image " + file));
        }
    }

    private static ByteBuffer bytes(Mat m) {
        return m.createBuffer();
    }

    private static void swapRB(byte[] d) {
        for (int i = 0; i + 2 < d.length; i += 3) {
            byte t = d[i];
            d[i] = d[i + 2];
            d[i + 2] = t;
        }
    }
}
