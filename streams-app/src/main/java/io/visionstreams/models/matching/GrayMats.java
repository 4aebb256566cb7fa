package io.visionstreams.models.matching;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.ByteBuffer;

import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

import io.visionstreams.imaging.Image;

/** Decoded images as 8-bit gray OpenCV matrices (the caller closes them). */
final class GrayMats {

    private GrayMats() {
    }

    static Mat of(Image img) {
        if (img.channels() == 1) {
            Mat m = new Mat(img.height(), img.width(), CV_8UC1);
            ((ByteBuffer) m.createBuffer()).put(img.pixels());
            return m;
        }
        try (Mat rgb = new Mat(img.height(), img.width(), CV_8UC3)) {
            ((ByteBuffer) rgb.createBuffer()).put(img.pixels());
            Mat gray = new Mat();
            opencv_imgproc.cvtColor(rgb, gray, opencv_imgproc.COLOR_RGB2GRAY);
            return gray;
        }
    }
}
