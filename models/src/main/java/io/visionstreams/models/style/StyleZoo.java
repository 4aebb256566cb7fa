package io.visionstreams.models.style;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.pytorch.Tensor;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.nn.Export;
import io.visionstreams.schema.ModelDescriptor;

/** Writes a stylisation zoo entry: model.onnx, model.json (task "stylization") and MODEL_CARD.md. */
public final class StyleZoo {

    private StyleZoo() {
    }

    public static ModelDescriptor descriptor(String name, String version, String sha256, StyleTrainer.Config cfg,
                                             List<String> styles, String lossNetwork, boolean trained) {
        ModelDescriptor.Input in = new ModelDescriptor.Input(StyleNet.IMAGES, "NCHW", cfg.size(), cfg.size(), "RGB",
                StyleImages.SCALE, List.of(StyleImages.MEAN, StyleImages.MEAN, StyleImages.MEAN),
                List.of(StyleImages.STD, StyleImages.STD, StyleImages.STD), false, 0);
        ModelDescriptor.Stylization st = new ModelDescriptor.Stylization(styles, StyleNet.WEIGHTS, StyleNet.OUTPUT,
                List.of(-1.0, 1.0), StyleNet.SIZE_MULTIPLE, cfg.width(), lossNetwork);
        return new ModelDescriptor(name, version, ModelDescriptor.TASK_STYLIZATION, "model.onnx", sha256, in, null, null,
                null, null, st, trained);
    }

    /** Median and p90 ORT latency (ms) at batch 1, {@code h}×{@code w}, one-hot style 0. */
    public static double[] latency(byte[] onnx, int styles, int h, int w, int threads, int runs) throws OrtException {
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(onnx, StyleExport.options(threads))) {
            float[] x = new float[3 * h * w];
            java.util.Random r = new java.util.Random(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextFloat() * 2 - 1);
            }
            float[] wt = new float[styles];
            wt[0] = 1;
            for (int i = 0; i < 2; i++) {
                StyleExport.run(s, x, new long[] {1, 3, h, w}, wt, new long[] {1, styles});
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                StyleExport.run(s, x, new long[] {1, 3, h, w}, wt, new long[] {1, styles});
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return new double[] {ms[runs / 2], ms[(int) Math.min(runs - 1, Math.ceil(runs * 0.9) - 1)]};
        }
    }

    /**
     * Stylises one image (longest side {@code longest}, padded to a multiple of 4 and cropped back) with the
     * EXPORTED model in ORT: one PNG per style, one 50/50 blend of styles 0 and 1, and the input itself.
     */
    public static List<Path> examples(byte[] onnx, Path image, List<String> styles, int longest, Path dir)
            throws IOException, OrtException {
        List<Path> written = new ArrayList<>();
        Mat rgb = StyleImages.resizeLongest(StyleImages.readRgb(image), longest);
        // crop to a multiple of 4 (the simplest of the §2 options for a still image)
        Mat src = new Mat(rgb, new Rect(0, 0, rgb.cols() / 4 * 4, rgb.rows() / 4 * 4)).clone();
        Path input = dir.resolve("input_" + StyleTrainer.styleName(image) + ".png");
        StyleImages.writePng(src, input);
        written.add(input);
        int s = styles.size();
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx, StyleExport.options(2));
             PointerScope scope = new PointerScope()) {
            Tensor x = StyleImages.toTensor(src);
            long[] shape = Export.shape(x);
            float[] xd = Export.data(x);
            for (int k = 0; k < s + (s >= 2 ? 1 : 0); k++) { // the blend needs two styles
                float[] w = new float[s];
                String name;
                if (k < s) {
                    w[k] = 1;
                    name = styles.get(k);
                } else {
                    w[0] = 0.5f;
                    w[1] = 0.5f;
                    name = "blend50_" + styles.get(0) + "_" + styles.get(1);
                }
                float[] y = StyleExport.run(session, xd, shape, w, new long[] {1, s});
                Path f = dir.resolve("stylized_" + name + ".png");
                StyleImages.writePng(StyleImages.toRgb(StyleImages.tensor(y, shape), 0), f);
                written.add(f);
            }
        }
        return written;
    }

    public static void writeCard(Path file, String body) throws IOException {
        Files.writeString(file, body);
    }

    static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }

}
