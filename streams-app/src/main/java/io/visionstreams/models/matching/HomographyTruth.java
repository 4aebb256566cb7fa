package io.visionstreams.models.matching;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.FileNode;
import org.bytedeco.opencv.opencv_core.FileStorage;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.StringVector;

/** A ground-truth homography A → B and how many matches agree with it. */
public final class HomographyTruth {

    /** Matches, those within tolerance of H·a, and their share (0 when there are no matches). */
    public record Score(int matches, int correct, double precision) {
    }

    private HomographyTruth() {
    }

    /**
     * Reads a homography mapping A to B: {@code .xml}/{@code .yml}/{@code .yaml} as OpenCV FileStorage
     * (the node named H, else the first 3×3 matrix), anything else as 9 numbers in row-major order
     * separated by white space or commas (the format {@code generate homography} writes).
     */
    public static double[] read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".xml") || name.endsWith(".yml") || name.endsWith(".yaml")) {
            return readFileStorage(file);
        }
        return parseText(Files.readString(file), file.toString());
    }

    /** Nine numbers, row-major; white space and commas separate them. */
    public static double[] parseText(String text, String what) throws IOException {
        String[] tok = text.trim().split("[\\s,]+");
        if (tok.length != 9 || tok[0].isEmpty()) {
            throw new IOException(what + ": a homography needs 9 numbers (row-major 3x3), found "
                    + (tok[0].isEmpty() ? 0 : tok.length));
        }
        double[] h = new double[9];
        for (int i = 0; i < 9; i++) {
            try {
                h[i] = Double.parseDouble(tok[i]);
            } catch (NumberFormatException e) {
                throw new IOException(what + ": entry " + (i + 1) + " '" + tok[i] + "' is not a number", e);
            }
            if (!Double.isFinite(h[i])) {
                throw new IOException(what + ": entry " + (i + 1) + " is not finite");
            }
        }
        if (h[8] == 0 && h[6] == 0 && h[7] == 0) {
            throw new IOException(what + ": the last row is zero, not a homography");
        }
        return h;
    }

    private static double[] readFileStorage(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        try (PointerScope scope = new PointerScope()) {
            FileStorage fs = new FileStorage(file.toString(), FileStorage.READ);
            if (!fs.isOpened()) {
                throw new IOException(file + ": OpenCV cannot read it as FileStorage");
            }
            FileNode root = fs.root();
            FileNode node = fs.get("H");
            if (node == null || node.empty()) {
                StringVector keys = root.keys();
                node = null;
                for (long i = 0; i < keys.size() && node == null; i++) {
                    FileNode c = root.get(keys.get(i).getString());
                    if (c.isMap()) {
                        node = c;
                    }
                }
            }
            if (node == null || node.empty()) {
                throw new IOException(file + ": no matrix node (expected one named H)");
            }
            Mat m = node.mat();
            if (m.rows() != 3 || m.cols() != 3) {
                throw new IOException(file + ": matrix is " + m.rows() + "x" + m.cols() + ", not 3x3");
            }
            Mat d = new Mat();
            m.convertTo(d, opencv_core.CV_64F);
            double[] h = new double[9];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    h[r * 3 + c] = d.ptr(r, c).getDouble();
                }
            }
            fs.release();
            return h;
        }
    }

    /** H·(x, y) into out. */
    public static void apply(double[] h, double x, double y, double[] out) {
        double w = h[6] * x + h[7] * y + h[8];
        out[0] = (h[0] * x + h[1] * y + h[2]) / w;
        out[1] = (h[3] * x + h[4] * y + h[5]) / w;
    }

    /** A match is correct when H·a lies within {@code tolerancePx} of b. */
    public static Score score(List<MatchResult.PointMatch> matches, double[] h, double tolerancePx) {
        int correct = 0;
        double[] p = new double[2];
        for (MatchResult.PointMatch m : matches) {
            apply(h, m.ax(), m.ay(), p);
            if (Math.hypot(p[0] - m.bx(), p[1] - m.by()) <= tolerancePx) {
                correct++;
            }
        }
        return new Score(matches.size(), correct, matches.isEmpty() ? 0 : (double) correct / matches.size());
    }
}
