package io.visionstreams.topology.classical;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.opencv_calib3d.StereoSGBM;
import org.bytedeco.opencv.opencv_core.Mat;

import io.visionstreams.imaging.Image;
import io.visionstreams.topology.DisparityEstimator;

/**
 * OpenCV's semi-global block matching (StereoSGBM, 3-way mode) behind the stereo port: the classical
 * baseline ({@code --stereo-method sgbm}) and the stand-in until the CNN matcher is plugged in.
 * No confidence map: SGBM has none, and inventing one would mislead.
 */
public final class SgbmDisparityEstimator implements DisparityEstimator {

    public static final String NAME = "opencv-sgbm";

    private final int blockSize;

    public SgbmDisparityEstimator() {
        this(5);
    }

    /** @param blockSize odd matching window side, 3..11 typical */
    public SgbmDisparityEstimator(int blockSize) {
        if (blockSize < 1 || blockSize % 2 == 0) {
            throw new IllegalArgumentException("SGBM block size must be odd and positive, got " + blockSize);
        }
        this.blockSize = blockSize;
    }

    @Override
    public Identity identity() {
        return new Identity(NAME, OpenCvGray.openCvVersion(), "opencv-cpu");
    }

    @Override
    public Estimate estimate(Image left, Image right, int maxDisparity) {
        if (left.width() != right.width() || left.height() != right.height()) {
            throw new IllegalArgumentException("left " + left + " and right " + right + " differ in size");
        }
        if (maxDisparity < 1) {
            throw new IllegalArgumentException("max disparity must be positive, got " + maxDisparity);
        }
        int w = left.width();
        int h = left.height();
        // SGBM needs a multiple of 16; values at or beyond maxDisparity are discarded below
        int numDisparities = ((maxDisparity + 15) / 16) * 16;
        try (PointerScope scope = new PointerScope()) {
            long t0 = System.nanoTime();
            Mat l = OpenCvGray.of(left);
            Mat r = OpenCvGray.of(right);
            long t1 = System.nanoTime();
            int area = blockSize * blockSize;
            // a fresh matcher per call: StereoSGBM keeps scratch buffers and is not thread-safe
            StereoSGBM sgbm = StereoSGBM.create(0, numDisparities, blockSize, 8 * area, 32 * area, 1, 63, 10, 100, 2,
                    StereoSGBM.MODE_SGBM_3WAY);
            Mat disp16 = new Mat();
            sgbm.compute(l, r, disp16);
            long t2 = System.nanoTime();
            short[] raw = new short[w * h];
            new ShortPointer(disp16.data()).get(raw); // CV_16S, continuous, disparity × 16
            float[] disparity = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                float d = raw[i] / 16f;
                disparity[i] = raw[i] > 0 && d < maxDisparity ? d : Float.NaN;
            }
            long t3 = System.nanoTime();
            return new Estimate(w, h, disparity, null, (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000);
        }
    }
}
