package io.visionstreams.models.style;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.pytorch.global.torch.from_blob;
import static org.bytedeco.pytorch.global.torch.reflection_pad2d;

import java.io.IOException;
import java.nio.file.Path;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.pytorch.Tensor;

import io.visionstreams.models.data.RgbImage;
import io.visionstreams.models.nn.Export;

/**
 * Pixel ↔ tensor conversions for the stylisation contract: RGB, NCHW, value = (pixel/255 − 0.5)/0.5,
 * and the size rule (H, W multiples of 4).
 */
public final class StyleImages {

    public static final double SCALE = 1.0 / 255.0;
    public static final double MEAN = 0.5;
    public static final double STD = 0.5;

    private StyleImages() {
    }

    /** Reads an image file as an RGB 8-bit Mat (3 channels). */
    public static Mat readRgb(Path file) throws IOException {
        Mat bgr = imread(file.toString(), org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR);
        if (bgr == null || bgr.empty()) {
            throw new IOException(file + ": not a readable image");
        }
        Mat rgb = new Mat();
        cvtColor(bgr, rgb, COLOR_BGR2RGB);
        return rgb;
    }

    /** Resizes (area) so that the longer side is {@code longest}. */
    public static Mat resizeLongest(Mat m, int longest) {
        double s = (double) longest / Math.max(m.rows(), m.cols());
        Mat out = new Mat();
        resize(m, out, new Size(Math.max(1, (int) Math.round(m.cols() * s)), Math.max(1, (int) Math.round(m.rows() * s))),
                0, 0, INTER_AREA);
        return out;
    }

    /** RGB 8-bit HWC values of a Mat region, normalised to CHW floats. */
    public static float[] toChw(Mat rgb) {
        int h = rgb.rows();
        int w = rgb.cols();
        Mat cont = rgb.isContinuous() ? rgb : rgb.clone();
        byte[] px = new byte[h * w * 3];
        cont.data().get(px);
        float[] out = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    out[c * h * w + y * w + x] = (float) (((px[(y * w + x) * 3 + c] & 0xff) * SCALE - MEAN) / STD);
                }
            }
        }
        return out;
    }

    /** An RGB image normalised to CHW floats (the same values as {@link #toChw(Mat)}). */
    public static float[] toChw(RgbImage img) {
        int h = img.height();
        int w = img.width();
        byte[] px = img.data();
        float[] out = new float[3 * h * w];
        for (int p = 0; p < h * w; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * h * w + p] = (float) (((px[p * 3 + c] & 0xff) * SCALE - MEAN) / STD);
            }
        }
        return out;
    }

    /** A [1, 3, H, W] tensor for a whole RGB Mat. */
    public static Tensor toTensor(Mat rgb) {
        return tensor(toChw(rgb), 1, 3, rgb.rows(), rgb.cols());
    }

    /** A tensor that owns a copy of {@code data}. */
    public static Tensor tensor(float[] data, long... shape) {
        FloatPointer p = new FloatPointer(data);
        Tensor t = from_blob(p, shape).clone();
        p.close();
        return t;
    }

    /** Sample {@code n} of a [N,3,H,W] network-space tensor back to an RGB 8-bit Mat (clipped). */
    public static Mat toRgb(Tensor images, int n) {
        long[] s = Export.shape(images);
        int h = (int) s[2];
        int w = (int) s[3];
        float[] all = Export.data(images.select(0, n));
        byte[] px = new byte[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = (all[c * h * w + y * w + x] * STD + MEAN) / SCALE;
                    px[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
            }
        }
        Mat m = new Mat(h, w, opencv_core.CV_8UC3);
        m.data().put(px);
        return m;
    }

    public static void writePng(Mat rgb, Path file) throws IOException {
        Mat bgr = new Mat();
        cvtColor(rgb, bgr, COLOR_RGB2BGR);
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        if (!imwrite(file.toString(), bgr)) {
            throw new IOException(file + ": could not write");
        }
    }

    /** Pads (reflect) H and W up to the next multiples of 4; crop the output back with {@link #cropTo}. */
    public static Tensor padToMultipleOf4(Tensor x) {
        long h = x.size(2);
        long w = x.size(3);
        long ph = (StyleNet.SIZE_MULTIPLE - h % StyleNet.SIZE_MULTIPLE) % StyleNet.SIZE_MULTIPLE;
        long pw = (StyleNet.SIZE_MULTIPLE - w % StyleNet.SIZE_MULTIPLE) % StyleNet.SIZE_MULTIPLE;
        if (ph == 0 && pw == 0) {
            return x;
        }
        // reflection_pad2d order: left, right, top, bottom; all padding goes after the image so cropping is trivial
        return reflection_pad2d(x, 0, pw, 0, ph);
    }

    /** The top-left H×W of {@code y} (undoes {@link #padToMultipleOf4}). */
    public static Tensor cropTo(Tensor y, long h, long w) {
        return y.narrow(2, 0, h).narrow(3, 0, w);
    }
}
