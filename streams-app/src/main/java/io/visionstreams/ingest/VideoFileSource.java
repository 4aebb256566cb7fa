package io.visionstreams.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

import io.visionstreams.schema.FrameEncoding;

/**
 * Frames of any video FFmpeg can read, each re-encoded as JPEG (video codecs are not something the
 * downstream topologies can decode per record). {@code step} keeps every n-th frame; {@code loop}
 * reopens the file at its end. Decoding happens on {@link #hasNext()} so the end of a stream is
 * known before the caller asks for a frame.
 */
public final class VideoFileSource implements FrameSource {

    private final Path file;
    private final int jpegQuality;
    private final int step;
    private final boolean loop;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private FFmpegFrameGrabber grabber;
    private final int lengthInFrames;
    private EncodedFrame pending;
    private long decodedIndex = -1; // index in the file of the last decoded frame
    private long yieldedThisPass;
    private boolean finished;

    /**
     * @param file        a video file
     * @param jpegQuality 1..100
     * @param step        keep frame 0, step, 2*step, ... (1 = every frame)
     * @param loop        start again at the end of the file
     */
    public VideoFileSource(Path file, int jpegQuality, int step, boolean loop) {
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException("no such video file: " + file));
        }
        if (step < 1) {
            throw new IllegalArgumentException("frame step must be >= 1, got " + step);
        }
        this.file = file;
        this.jpegQuality = OpenCvEncoding.checkQuality(jpegQuality);
        this.step = step;
        this.loop = loop;
        this.grabber = open(file);
        this.lengthInFrames = grabber.getLengthInFrames();
    }

    public VideoFileSource(Path file, int jpegQuality) {
        this(file, jpegQuality, 1, false);
    }

    private static FFmpegFrameGrabber open(Path file) {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        try {
            g.start();
            return g;
        } catch (FrameGrabber.Exception e) {
            closeQuietly(g);
            throw new IllegalArgumentException("FFmpeg cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !finished) {
            pending = decodeNext();
            finished = pending == null;
        }
        return pending != null;
    }

    @Override
    public EncodedFrame next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        EncodedFrame f = pending;
        pending = null;
        return f;
    }

    private EncodedFrame decodeNext() {
        try {
            while (true) {
                org.bytedeco.javacv.Frame frame = grabber.grabImage();
                if (frame == null) {
                    // loop only if this pass yielded something, else an unreadable file spins forever
                    if (!loop || yieldedThisPass == 0) {
                        return null;
                    }
                    closeQuietly(grabber);
                    grabber = open(file);
                    decodedIndex = -1;
                    yieldedThisPass = 0;
                    continue;
                }
                decodedIndex++;
                if (decodedIndex % step != 0) {
                    continue;
                }
                // the Mat wraps the grabber's frame buffer and is cached by the converter: not ours to close
                Mat mat = converter.convert(frame);
                byte[] jpeg = OpenCvEncoding.jpeg(mat, jpegQuality);
                yieldedThisPass++;
                String name = file.getFileName() + "#" + decodedIndex;
                return new EncodedFrame(name, FrameEncoding.JPEG, mat.cols(), mat.rows(), jpeg,
                        Map.of("file", file.getFileName().toString(),
                                "frameIndex", Long.toString(decodedIndex),
                                "mediaTimeMicros", Long.toString(grabber.getTimestamp())));
            }
        } catch (FrameGrabber.Exception e) {
            throw new UncheckedIOException(new IOException("cannot decode " + file + ": " + e.getMessage(), e));
        }
    }

    /** Frames per second the container declares (0 if unknown). */
    public double frameRate() {
        return grabber.getFrameRate();
    }

    @Override
    public OptionalLong expectedFrames() {
        if (loop || lengthInFrames <= 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((lengthInFrames + step - 1) / step);
    }

    @Override
    public String description() {
        return "video " + file.getFileName() + (step > 1 ? ", every " + step + " frames" : "") + (loop ? ", looping" : "");
    }

    @Override
    public void close() {
        pending = null;
        closeQuietly(grabber);
        converter.close();
    }

    private static void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.close(); // stop() + release() of the native decoder
        } catch (FrameGrabber.Exception e) {
            // nothing useful to do while closing
        }
    }
}
