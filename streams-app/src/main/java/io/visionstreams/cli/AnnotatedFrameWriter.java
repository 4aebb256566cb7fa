package io.visionstreams.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

import io.visionstreams.schema.Detection;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;

/**
 * Joins frames and detections by (sourceId, sequence) as they arrive from two topics, in either
 * order, and writes each pair as a JPEG with boxes and labels. Unmatched records wait in bounded
 * buffers; the oldest is dropped when full, so memory stays fixed however the topics interleave.
 */
final class AnnotatedFrameWriter {

    private record Key(String sourceId, long sequence) {
    }

    private final Path dir;
    private final int capacity;
    private final Map<Key, Frame> frames = new LinkedHashMap<>();
    private final Map<Key, Detections> detections = new LinkedHashMap<>();
    private long written;

    AnnotatedFrameWriter(Path dir, int capacity) {
        this.dir = dir;
        this.capacity = capacity;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    long written() {
        return written;
    }

    void onFrame(Frame f) {
        Key k = new Key(f.getSourceId(), f.getSequence());
        Detections d = detections.remove(k);
        if (d != null) {
            write(f, d);
        } else {
            put(frames, k, f);
        }
    }

    void onDetections(Detections d) {
        Key k = new Key(d.getSource().getSourceId(), d.getSource().getSequence());
        Frame f = frames.remove(k);
        if (f != null) {
            write(f, d);
        } else {
            put(detections, k, d);
        }
    }

    private <V> void put(Map<Key, V> map, Key k, V v) {
        map.put(k, v);
        if (map.size() > capacity) {
            Iterator<Key> it = map.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    private void write(Frame f, Detections d) {
        Mat img = decode(f);
        if (img == null) {
            return; // RAW or corrupt payloads are not drawn
        }
        try (img; Scalar green = new Scalar(0, 255, 0, 0)) {
            for (Detection x : d.getDetections()) {
                try (Point p1 = new Point(Math.round(x.getX1()), Math.round(x.getY1()));
                     Point p2 = new Point(Math.round(x.getX2()), Math.round(x.getY2()));
                     Point t = new Point(Math.round(x.getX1()), Math.max(12, Math.round(x.getY1()) - 4))) {
                    rectangle(img, p1, p2, green, 2, 8, 0);
                    putText(img, String.format(Locale.ROOT, "%s %.2f", x.getLabel(), x.getScore()), t,
                            FONT_HERSHEY_SIMPLEX, 0.5, green, 1, 8, false);
                }
            }
            String name = f.getSourceId().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + f.getSequence() + ".jpg";
            if (imwrite(dir.resolve(name).toString(), img)) {
                written++;
            }
        }
    }

    private static Mat decode(Frame f) {
        if (f.getEncoding() != FrameEncoding.JPEG && f.getEncoding() != FrameEncoding.PNG) {
            return null;
        }
        ByteBuffer b = f.getData().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        try (BytePointer ptr = new BytePointer(bytes); Mat buf = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, ptr)) {
            Mat img = imdecode(buf, IMREAD_COLOR);
            if (img.empty()) {
                img.close();
                return null;
            }
            return img;
        }
    }
}
