package io.visionstreams.ingest;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** JPEG encoding with OpenCV, kept here so ingestion does not depend on the imaging package. */
final class OpenCvEncoding {

    private OpenCvEncoding() {
    }

    static int checkQuality(int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1..100, got " + quality);
        }
        return quality;
    }

    /** Encodes an 8-bit BGR or gray Mat; the Mat stays owned by the caller. */
    static byte[] jpeg(Mat image, int quality) {
        try (BytePointer buf = new BytePointer();
             IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, checkQuality(quality))) {
            if (!imencode(".jpg", image, buf, params)) {
                throw new IllegalStateException("OpenCV could not JPEG-encode a " + image.cols() + "x" + image.rows() + " image");
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }
}
