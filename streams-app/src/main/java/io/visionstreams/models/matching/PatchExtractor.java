package io.visionstreams.models.matching;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Oriented, scale-normalised square patches around keypoints, the input of the patch networks.
 *
 * <p>Patch pixel (i, j) shows the source point c + s·R(θ)·(i − n/2, j − n/2), the patch-pair
 * generator's convention extended by rotation R(θ) (image coordinates, y down) and scale
 * s = supportMultiple·size / n source pixels per patch pixel. The direction θ of the image therefore
 * becomes the patch's +x axis, so a rotated and scaled view of a keypoint gives the same patch.
 * At scale 1 (ORB's finest level, size 31, multiple 2) a patch covers 62 px, close to the 64 px at
 * native resolution the models were trained on.
 *
 * <p>Sampling is bilinear (warpAffine, border replicated) from a Gaussian pyramid level chosen so that
 * the remaining scale is in [1, 2): shrinking a large region straight from full resolution would alias.
 * Values are written normalised as the model's training did: (pixel·scale − mean) / std.
 */
public final class PatchExtractor implements AutoCloseable {

    private final List<Mat> pyramid = new ArrayList<>();
    private final int patchSize;
    private final double supportMultiple;
    private final float scale;
    private final float mean;
    private final float std;
    private final Mat affine = new Mat(2, 3, CV_64F);
    private final Mat patch;
    private final Size patchDims;

    /**
     * @param gray8 8-bit single-channel image (not kept: the pyramid holds float copies)
     * @param patchSize side of the output patch (the model's input size)
     * @param supportMultiple source pixels covered per unit of keypoint size
     * @param scale, mean, std the model's normalisation: (pixel·scale − mean) / std
     */
    public PatchExtractor(Mat gray8, int patchSize, double supportMultiple, float scale, float mean, float std) {
        if (gray8.channels() != 1) {
            throw new IllegalArgumentException("patch extraction needs a single-channel image, got " + gray8.channels());
        }
        if (std == 0) {
            throw new IllegalArgumentException("normalisation std must not be 0");
        }
        this.patchSize = patchSize;
        this.supportMultiple = supportMultiple;
        this.scale = scale;
        this.mean = mean;
        this.std = std;
        this.patch = new Mat(patchSize, patchSize, CV_32F);
        this.patchDims = new Size(patchSize, patchSize);
        Mat base = new Mat();
        gray8.convertTo(base, CV_32F);
        pyramid.add(base);
        // levels down to about a patch's size: pyrDown's pixel i sits on pixel 2i of the level above
        while (pyramid.size() < 8) {
            Mat last = pyramid.get(pyramid.size() - 1);
            if (Math.min(last.cols(), last.rows()) < 2 * patchSize) {
                break;
            }
            Mat next = new Mat();
            opencv_imgproc.pyrDown(last, next);
            pyramid.add(next);
        }
    }

    public int patchSize() {
        return patchSize;
    }

    /** Source pixels per patch pixel for this keypoint. */
    public double scaleOf(Keypoint k) {
        return supportMultiple * k.size() / patchSize;
    }

    /**
     * Writes the patch of keypoint k, rotated by {@code angleDeg}, into out[off .. off + n²), normalised.
     */
    public void extract(Keypoint k, double angleDeg, float[] out, int off) {
        double s = scaleOf(k);
        int level = 0;
        while (level + 1 < pyramid.size() && s >= 2) {
            s /= 2;
            level++;
        }
        double f = 1.0 / (1 << level);
        double cx = k.x() * f, cy = k.y() * f;
        double t = Math.toRadians(angleDeg);
        double c = Math.cos(t) * s, sn = Math.sin(t) * s;
        double h = patchSize / 2.0;
        DoubleBuffer m = affine.createBuffer();
        m.put(0, c).put(1, -sn).put(2, cx - c * h + sn * h);
        m.put(3, sn).put(4, c).put(5, cy - sn * h - c * h);
        try (Scalar border = new Scalar(0.0)) {
            opencv_imgproc.warpAffine(pyramid.get(level), patch, affine, patchDims,
                    opencv_imgproc.INTER_LINEAR | opencv_imgproc.WARP_INVERSE_MAP, opencv_core.BORDER_REPLICATE, border);
        }
        FloatBuffer p = patch.createBuffer();
        int n = patchSize * patchSize;
        p.get(out, off, n);
        for (int i = off; i < off + n; i++) {
            out[i] = (out[i] * scale - mean) / std;
        }
    }

    /**
     * Dominant direction by intensity centroid (as ORB): the angle of the first moments of the upright
     * patch over the inscribed disc, in degrees in [0, 360). Used for detectors that give no angle.
     */
    public float centroidAngle(Keypoint k, float[] scratch) {
        extract(k, 0, scratch, 0);
        double m10 = 0, m01 = 0;
        double h = (patchSize - 1) / 2.0, r2 = (patchSize / 2.0) * (patchSize / 2.0);
        for (int j = 0; j < patchSize; j++) {
            for (int i = 0; i < patchSize; i++) {
                double dx = i - h, dy = j - h;
                if (dx * dx + dy * dy <= r2) {
                    double v = scratch[j * patchSize + i];
                    m10 += dx * v;
                    m01 += dy * v;
                }
            }
        }
        double a = Math.toDegrees(Math.atan2(m01, m10));
        return (float) (a < 0 ? a + 360 : a);
    }

    @Override
    public void close() {
        for (Mat m : pyramid) {
            m.close();
        }
        pyramid.clear();
        affine.close();
        patch.close();
        patchDims.close();
    }
}
