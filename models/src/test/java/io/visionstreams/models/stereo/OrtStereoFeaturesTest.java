package io.visionstreams.models.stereo;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.models.data.SyntheticStereoGenerator.StereoPair;
import io.visionstreams.schema.ModelDescriptor;

/** {@code evaluate stereo --model}: the shipped ONNX in ORT gives libtorch's features and the same metrics. */
class OrtStereoFeaturesTest {

    @TempDir
    Path dir;

    /** Smooth random texture; the right view is the left shifted by {@code d} (left x ↔ right x − d). */
    static StereoPair shiftedPair(int w, int h, int d, long seed) {
        Random r = new Random(seed);
        byte[] left = new byte[w * h];
        float[] coarse = new float[(w / 4 + 2) * (h / 4 + 2)];
        for (int i = 0; i < coarse.length; i++) {
            coarse[i] = r.nextFloat();
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = 0.6f * coarse[(y / 4) * (w / 4 + 2) + x / 4] + 0.4f * r.nextFloat();
                left[y * w + x] = (byte) Math.round(v * 255);
            }
        }
        byte[] right = new byte[w * h];
        float[] disp = new float[w * h];
        boolean[] occ = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                right[y * w + x] = left[y * w + Math.min(w - 1, x + d)];
                disp[y * w + x] = d;
                occ[y * w + x] = x < d;
            }
        }
        return new StereoPair(w, h, 1, left, right, disp, occ);
    }

    @Test
    void onnxFeaturesAndMetricsMatchLibtorch() throws Exception {
        manual_seed(3);
        StereoFeatureNet net = new StereoFeatureNet(new StereoFeatureNet.Config(3, 8, 8));
        net.eval();
        byte[] onnx = net.exportOnnx("stereo-test");
        Files.write(dir.resolve("model.onnx"), onnx);
        StereoZoo.descriptor("1", ModelDescriptor.sha256Hex(onnx), 64, 48, false)
                .write(dir.resolve(ModelDescriptor.FILE_NAME));
        List<StereoPair> pairs = List.of(shiftedPair(64, 48, 5, 1), shiftedPair(64, 48, 9, 2));
        try (OrtStereoFeatures ort = OrtStereoFeatures.open(dir, 1)) {
            float[][] a = ort.features(pairs.get(0));
            float[][] b = StereoTrainer.features(net, pairs.get(0));
            assertEquals(b[0].length, a[0].length);
            for (int v = 0; v < 2; v++) {
                for (int i = 0; i < a[v].length; i++) {
                    assertEquals(b[v][i], a[v][i], 1e-4, "view " + v + " value " + i);
                }
            }
            StereoMetrics viaOrt = StereoTrainer.evaluate(ort, pairs, 16);
            StereoMetrics viaTorch = StereoTrainer.evaluate(net, pairs, 16);
            assertEquals(viaTorch.pixels(), viaOrt.pixels());
            assertTrue(viaOrt.pixels() > 0);
            // WTA can only differ where two disparities tie to within float noise
            assertEquals(viaTorch.bad2Percent(), viaOrt.bad2Percent(), 0.5, viaOrt + " vs " + viaTorch);
            assertEquals(viaTorch.epe(), viaOrt.epe(), 0.05);
        }
    }

    @Test
    void refusesAnEntryOfAnotherTask() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OrtStereoFeatures.open(Path.of("zoo/patch-2ch-avg/1"), 1));
        assertTrue(e.getMessage().contains("stereo-features"), e.getMessage());
    }
}
