package io.visionstreams.models.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stereo ground-truth readers and writers.
 *
 * <p>PFM (Middlebury, Scene Flow): header "Pf" (one channel; "PF", three channels, keeps the first),
 * "width height", then a scale whose sign gives the byte order (negative = little-endian), then
 * float32 rows stored bottom row first.
 *
 * <p>16-bit PNG (KITTI): disparity = value / scale with scale 256 for KITTI; value 0 means no ground truth.
 */
public final class DisparityIO {

    public static final double KITTI_SCALE = 256.0;

    private DisparityIO() {
    }

    public static DisparityMap readPfm(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            String magic = token(in);
            int channels = switch (magic) {
                case "Pf" -> 1;
                case "PF" -> 3;
                default -> throw new IOException(file + ": not a PFM file (magic " + magic + ")");
            };
            int w = Integer.parseInt(token(in)), h = Integer.parseInt(token(in));
            double scale = Double.parseDouble(token(in));
            ByteOrder order = scale < 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            byte[] raw = new byte[w * h * channels * 4];
            new DataInputStream(in).readFully(raw);
            ByteBuffer bb = ByteBuffer.wrap(raw).order(order);
            float[] v = new float[w * h];
            for (int row = 0; row < h; row++) {
                int y = h - 1 - row; // stored bottom to top
                for (int x = 0; x < w; x++) {
                    v[y * w + x] = bb.getFloat(((row * w + x) * channels) * 4);
                }
            }
            return new DisparityMap(w, h, v);
        }
    }

    public static void writePfm(Path file, DisparityMap d, boolean littleEndian) throws IOException {
        int w = d.width(), h = d.height();
        ByteBuffer bb = ByteBuffer.allocate(w * h * 4).order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        for (int row = 0; row < h; row++) {
            int y = h - 1 - row;
            for (int x = 0; x < w; x++) {
                bb.putFloat(d.values()[y * w + x]);
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("Pf\n" + w + " " + h + "\n" + (littleEndian ? "-1.0" : "1.0") + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bb.array());
        }
    }

    /** KITTI disparity: value / 256, 0 → invalid (NaN). */
    public static DisparityMap readKitti(Path file) {
        return readPng16(file, KITTI_SCALE);
    }

    public static DisparityMap readPng16(Path file, double scale) {
        int[] size = new int[2];
        int[] raw = Images.read16(file, size);
        float[] v = new float[raw.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = raw[i] == 0 ? Float.NaN : (float) (raw[i] / scale);
        }
        return new DisparityMap(size[0], size[1], v);
    }

    /** Invalid or non-positive disparities become 0 (no ground truth); values are rounded and capped at 65535. */
    public static void writePng16(Path file, DisparityMap d, double scale) {
        int[] raw = new int[d.values().length];
        for (int i = 0; i < raw.length; i++) {
            float v = d.values()[i];
            raw[i] = Float.isFinite(v) && v > 0 ? (int) Math.min(65535, Math.max(1, Math.round(v * scale))) : 0;
        }
        Images.write16(file, d.width(), d.height(), raw);
    }

    /** The next header token; the single whitespace byte after it is consumed, so data starts right after the scale. */
    private static String token(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (Character.isWhitespace(c)) {
                if (b.size() > 0) {
                    break;
                }
            } else {
                b.write(c);
            }
        }
        if (b.size() == 0) {
            throw new IOException("truncated PFM header");
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
