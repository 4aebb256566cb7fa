package io.visionstreams.models.stereo;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import java.nio.ShortBuffer;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_calib3d;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_calib3d.StereoSGBM;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * OpenCV's StereoSGBM on the same gray pair, the classical baseline: block size 5, P1 = 8·5², P2 = 32·5²
 * (OpenCV's recommended values for one channel), uniqueness 10, speckle filter 100 px / range 2,
 * left-right max difference 1, 5-direction single-pass mode ({@code MODE_SGBM}). numDisparities is
 * rounded up to a multiple of 16, as OpenCV requires.
 */
public final class SgbmBaseline {

    private SgbmBaseline() {
    }

    /** Disparity of the left view in pixels, {@link DisparitySelection#INVALID} where SGBM gives none. */
    public static float[] match(byte[] leftGray, byte[] rightGray, int w, int h, int maxDisparity, int threads) {
        int nd = Math.max(16, (maxDisparity + 15) / 16 * 16);
        int block = 5;
        try (PointerScope scope = new PointerScope()) {
            opencv_core.setNumThreads(threads);
            Mat l = new Mat(h, w, CV_8UC1, new BytePointer(leftGray));
            Mat r = new Mat(h, w, CV_8UC1, new BytePointer(rightGray));
            StereoSGBM sgbm = StereoSGBM.create(0, nd, block, 8 * block * block, 32 * block * block, 1, 63, 10, 100, 2,
                    StereoSGBM.MODE_SGBM);
            Mat disp = new Mat();
            sgbm.compute(l, r, disp); // CV_16S, disparity·16, (minDisparity − 1)·16 where invalid
            short[] raw = new short[w * h];
            ((ShortBuffer) disp.createBuffer()).get(raw);
            float[] out = new float[w * h];
            for (int i = 0; i < out.length; i++) {
                out[i] = raw[i] < 0 ? DisparitySelection.INVALID : raw[i] / 16f;
            }
            return out;
        }
    }
}
