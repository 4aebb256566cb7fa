package io.visionstreams.ingest;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.schema.Calibration;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.FrameEncoding;
import io.visionstreams.schema.StereoPair;

/**
 * A synthetic rectified stereo rig for demos and tests: a random texture seen by two cameras with a
 * known disparity, so that a disparity map can be checked. The background has disparity
 * {@code disparity}; a square in the middle is nearer (twice the disparity) and occludes it.
 * Left pixel x matches right pixel x - d (the usual convention).
 */
public final class SyntheticStereoRig {

    private final int width;
    private final int height;
    private final int disparity;
    private final long seed;

    public SyntheticStereoRig(int width, int height, int disparity, long seed) {
        if (width <= 4 * disparity || height < 8 || disparity < 1) {
            throw new IllegalArgumentException("need width > 4 x disparity, height >= 8 and disparity >= 1, got "
                    + width + "x" + height + " d=" + disparity);
        }
        this.width = width;
        this.height = height;
        this.disparity = disparity;
        this.seed = seed;
    }

    public int disparity() {
        return disparity;
    }

    /** The true disparity of the left view at (x, y): the square in the middle is at twice the disparity. */
    public int trueDisparity(int x, int y) {
        return inSquare(x, y) ? 2 * disparity : disparity;
    }

    private boolean inSquare(int x, int y) {
        return Math.abs(x - width / 2) < width / 6 && Math.abs(y - height / 2) < height / 4;
    }

    /** Left and right gray images of pair {@code i} (a new texture per pair). */
    public Image[] images(long i) {
        Random rnd = new Random(seed * 1_000_003L + i);
        int tw = width + 4 * disparity;
        byte[] back = texture(rnd, tw, height);
        byte[] front = texture(rnd, tw, height);
        byte[] left = new byte[width * height];
        byte[] right = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                // left(x) shows texture at x; right(x) shows it at x + d, so right(x - d) == left(x)
                left[y * width + x] = inSquare(x, y) ? front[y * tw + x] : back[y * tw + x];
                int xl = x + disparity;       // left pixel seen by right x through the background
                int xs = x + 2 * disparity;   // left pixel seen by right x through the square
                right[y * width + x] = xs < width && inSquare(xs, y) ? front[y * tw + xs] : back[y * tw + xl];
            }
        }
        return new Image[] {new Image(width, height, 1, left), new Image(width, height, 1, right)};
    }

    /** A rectified StereoPair record (PNG halves, calibration f = width px, baseline 0.1 m). */
    public StereoPair pair(String rigId, long sequence, Instant capture) {
        Image[] lr = images(sequence);
        return StereoPair.newBuilder()
                .setRigId(rigId)
                .setSequence(sequence)
                .setLeft(frame(rigId + "-left", sequence, capture, lr[0]))
                .setRight(frame(rigId + "-right", sequence, capture, lr[1]))
                .setCalibration(Calibration.newBuilder().setFocalLengthPx(width).setBaselineM(0.1).setRectified(true).build())
                .build();
    }

    /** One PNG Frame. */
    public static Frame frame(String sourceId, long sequence, Instant capture, Image img) {
        return Frame.newBuilder()
                .setSourceId(sourceId)
                .setSequence(sequence)
                .setCaptureTimestamp(capture)
                .setEncoding(FrameEncoding.PNG)
                .setWidth(img.width())
                .setHeight(img.height())
                .setData(ByteBuffer.wrap(ImageCodec.encodePng(img)))
                .setMetadata(Map.of())
                .build();
    }

    /** Blocky noise, lightly smoothed: enough texture for block matching, no repetitive pattern. */
    private static byte[] texture(Random rnd, int w, int h) {
        int cell = 3;
        int cw = w / cell + 2;
        int ch = h / cell + 2;
        int[] cells = new int[cw * ch];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = 30 + rnd.nextInt(196);
        }
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = cells[(y / cell) * cw + x / cell] + rnd.nextInt(9) - 4;
                out[y * w + x] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }
}
