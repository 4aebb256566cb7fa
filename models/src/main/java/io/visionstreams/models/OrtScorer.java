package io.visionstreams.models;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.data.PatchBatch;
import io.visionstreams.schema.ModelDescriptor;

/** Scores patch pairs with an exported zoo model through ONNX Runtime (what a consumer would run). */
final class OrtScorer {

    private OrtScorer() {
    }

    /**
     * One similarity score per pair, higher = more similar, for the three patch contracts: descriptors
     * (−‖d(a) − d(b)‖₂), 2-channel scorers (one {@code pairs} input, channel 0 = A) and two-input siamese
     * scorers (inputs {@code a} and {@code b} in the model's input order, one patch each).
     */
    static float[] scores(Path onnx, ModelDescriptor d, PatchBatch b) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(2);
        try (OrtSession s = env.createSession(Files.readAllBytes(onnx), so)) {
            List<String> inputs = new ArrayList<>(s.getInputInfo().keySet());
            float[] out = new float[b.n()];
            int px = b.size() * b.size();
            int chunk = 200;
            for (int start = 0; start < b.n(); start += chunk) {
                int m = Math.min(chunk, b.n() - start);
                float[] a = java.util.Arrays.copyOfRange(b.a(), start * px, (start + m) * px);
                float[] bb = java.util.Arrays.copyOfRange(b.b(), start * px, (start + m) * px);
                if (ModelDescriptor.TASK_PATCH_DESCRIPTOR.equals(d.task())) {
                    float[] da = run(env, s, Map.of(d.input().name(), a), m, 1, d.outputs().descriptors());
                    float[] db = run(env, s, Map.of(d.input().name(), bb), m, 1, d.outputs().descriptors());
                    int dim = da.length / m;
                    for (int i = 0; i < m; i++) {
                        double dist = 0;
                        for (int k = 0; k < dim; k++) {
                            double x = da[i * dim + k] - db[i * dim + k];
                            dist += x * x;
                        }
                        out[start + i] = (float) -Math.sqrt(dist);
                    }
                } else if (inputs.size() == 2) {
                    // siamese / pseudo-siamese / 2-stream scorer: the network takes both patches itself
                    Map<String, float[]> feeds = new LinkedHashMap<>();
                    feeds.put(inputs.get(0), a);
                    feeds.put(inputs.get(1), bb);
                    System.arraycopy(run(env, s, feeds, m, 1, d.outputs().scores()), 0, out, start, m);
                } else {
                    // 2-channel input: channel 0 = patch A, channel 1 = patch B
                    float[] pairs = new float[2 * m * px];
                    for (int i = 0; i < m; i++) {
                        System.arraycopy(a, i * px, pairs, 2 * i * px, px);
                        System.arraycopy(bb, i * px, pairs, (2 * i + 1) * px, px);
                    }
                    System.arraycopy(run(env, s, Map.of(d.input().name(), pairs), m, 2, d.outputs().scores()), 0,
                            out, start, m);
                }
            }
            return out;
        }
    }

    private static float[] run(OrtEnvironment env, OrtSession s, Map<String, float[]> inputs, int n, int c,
                               String output) throws Exception {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, float[]> e : inputs.entrySet()) {
                feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()),
                        new long[] {n, c, 64, 64}));
            }
            try (OrtSession.Result r = s.run(feeds)) {
                FloatBuffer fb = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
                float[] o = new float[fb.remaining()];
                fb.get(o);
                return o;
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}
