package io.visionstreams.imaging;

import java.util.Objects;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Turns decoded frames into model input tensors. Static and stateless, safe from several threads. */
public final class Preprocess {

    /** {@code padValue} that asks for edge padding: the borders repeat the frame's outermost pixels. */
    public static final int PAD_EDGE = -1;

    private Preprocess() {
    }

    /**
     * Letterbox-resizes src (bilinear, OpenCV) into the network size, pads with padValue (or, with
     * {@link #PAD_EDGE}, by repeating the resized frame's edge pixels), converts to float NCHW:
     * {@code dst[dstOffset + c*H*W + y*W + x] = (pixel*scale - mean[c]) / std[c]}; bgr=true swaps channel order
     * (model wants BGR). mean/std are indexed by tensor channel, i.e. already in the model's order. A gray src is
     * replicated to three channels. The resized image sits at (g.padX(), g.padY()).
     */
    public static void letterboxToTensor(Image src, LetterboxGeometry g, int padValue, float scale, float[] mean,
            float[] std, boolean bgr, float[] dst, int dstOffset) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(g, "g");
        if (g.srcWidth() != src.width() || g.srcHeight() != src.height()) {
            throw new IllegalArgumentException("geometry is for " + g.srcWidth() + "x" + g.srcHeight()
                    + " but the image is " + src.width() + "x" + src.height());
        }
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need exactly 3 values");
        }
        boolean edge = padValue == PAD_EDGE;
        if (!edge && (padValue < 0 || padValue > 255)) {
            throw new IllegalArgumentException("padValue must be 0..255 or PAD_EDGE, got " + padValue);
        }
        int W = g.dstWidth();
        int H = g.dstHeight();
        int plane = W * H;
        if (dstOffset < 0 || dst == null || (long) dstOffset + 3L * plane > dst.length) {
            throw new IllegalArgumentException("dst needs " + (3L * plane) + " floats from offset " + dstOffset
                    + ", has " + (dst == null ? 0 : dst.length));
        }
        int rw = g.resizedWidth();
        int rh = g.resizedHeight();
        int px = (int) g.padX();
        int py = (int) g.padY();
        int ch = src.channels();
        byte[] resized = (rw == src.width() && rh == src.height()) ? src.pixels() : resize(src, rw, rh).pixels();

        // per-channel lookup tables: 256 values instead of a multiply, subtract and divide per pixel
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (v * scale - mean[c]) / std[c];
            }
        }
        for (int c = 0; c < 3; c++) {
            int srcC = ch == 1 ? 0 : (bgr ? 2 - c : c);
            float[] t = lut[c];
            float pad = edge ? 0 : t[padValue];
            int base = dstOffset + c * plane;
            for (int y = 0; y < H; y++) {
                int row = base + y * W;
                int sy = y - py;
                if (!edge && (sy < 0 || sy >= rh)) {
                    java.util.Arrays.fill(dst, row, row + W, pad);
                    continue;
                }
                sy = Math.max(0, Math.min(rh - 1, sy)); // edge: rows above and below repeat the first and last row
                int s = (sy * rw) * ch + srcC;
                int first = row + px;
                for (int x = 0; x < rw; x++, s += ch) {
                    dst[first + x] = t[resized[s] & 0xFF];
                }
                java.util.Arrays.fill(dst, row, first, edge ? dst[first] : pad);
                java.util.Arrays.fill(dst, first + rw, row + W, edge ? dst[first + rw - 1] : pad);
            }
        }
    }

    /** Plain resize without letterbox, keeps channels: area averaging when shrinking, bilinear when enlarging. */
    public static Image resize(Image src, int width, int height) {
        Objects.requireNonNull(src, "src");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        try (PointerScope scope = new PointerScope()) {
            Mat in = ImageCodec.wrap(src.width(), src.height(), src.channels(), src.pixels());
            Mat out = new Mat();
            // shrinking with INTER_LINEAR reads only 2x2 source pixels per output pixel and aliases fine
            // texture; INTER_AREA averages the whole footprint
            boolean shrink = width <= src.width() && height <= src.height();
            opencv_imgproc.resize(in, out, new Size(width, height), 0, 0,
                    shrink ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_LINEAR);
            return ImageCodec.toImage(out, src.channels());
        }
    }
}
