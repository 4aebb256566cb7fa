package io.visionstreams.topology.classical;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import io.visionstreams.imaging.Image;

/** Image → 8-bit gray Mat for the classical matchers. Call inside a PointerScope: the Mat is native. */
final class OpenCvGray {

    private OpenCvGray() {
    }

    static Mat of(Image img) {
        Mat src = new Mat(img.height(), img.width(), img.channels() == 3 ? CV_8UC3 : CV_8UC1,
                new BytePointer(img.pixels()));
        if (img.channels() == 1) {
            return src;
        }
        Mat gray = new Mat();
        cvtColor(src, gray, COLOR_RGB2GRAY);
        return gray;
    }

    static String openCvVersion() {
        return org.bytedeco.opencv.global.opencv_core.CV_VERSION_MAJOR + "."
                + org.bytedeco.opencv.global.opencv_core.CV_VERSION_MINOR + "."
                + org.bytedeco.opencv.global.opencv_core.CV_VERSION_REVISION;
    }
}
