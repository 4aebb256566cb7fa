package io.visionstreams.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.visionstreams.models.data.PatchBatch;
import io.visionstreams.models.patch.PatchNet;
import io.visionstreams.models.patch.PatchNets;
import io.visionstreams.models.patch.PatchTrainer;
import io.visionstreams.models.patch.PatchZoo;

/**
 * {@code evaluate patch} scores every patch contract through ONNX Runtime as libtorch does: 2-channel,
 * descriptor (−l2), and the two-input siamese scorers (siam, pseudo-siam, siam-2stream).
 */
class OrtScorerTest {

    @TempDir
    Path tmp;

    static PatchBatch randomPairs(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n * 64 * 64];
        float[] b = new float[n * 64 * 64];
        float[] y = new float[n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
            b[i] = r.nextFloat();
        }
        for (int i = 0; i < n; i++) {
            y[i] = i % 2 == 0 ? 1 : -1;
        }
        return new PatchBatch(a, b, y, n, 64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"siam", "pseudo-siam", "siam-2stream", "2ch-avg", "siam-l2"})
    void ortScoresMatchLibtorch(String arch) throws Exception {
        PatchNet net = PatchNets.create(arch, 8);
        net.eval();
        Path dir = tmp.resolve(arch);
        PatchZoo.Written w = PatchZoo.write(dir, "patch-" + arch, "1", arch, net, false, false, "@@EXPORT@@");
        PatchBatch pairs = randomPairs(230, 9); // more than one 200-pair chunk
        float[] ort = OrtScorer.scores(dir.resolve("model.onnx"), w.descriptor(), pairs);
        float[] torch = PatchTrainer.scores(net, pairs, PatchNets.isDescriptor(arch), false);
        assertEquals(torch.length, ort.length);
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < ort.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(torch[i]));
            maxDiff = Math.max(maxDiff, Math.abs(ort[i] - torch[i]));
        }
        assertTrue(maxRef > 0, "scores are not all zero");
        assertTrue(maxDiff <= 1e-4 * maxRef + 1e-6, arch + ": max diff " + maxDiff + " vs max |score| " + maxRef);
    }
}
