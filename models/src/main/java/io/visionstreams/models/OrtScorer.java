package io.visionstreams.models;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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

    static float[] scores(Path onnx, ModelDescriptor d, PatchBatch b) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(2);
        try (OrtSession s = env.createSession(Files.readAllBytes(onnx), so)) {
            float[] out = new float[b.n()];
            int px = b.size() * b.size();
            int chunk = 200;
            for (int start = 0; start < b.n(); start += chunk) {
                int m = Math.min(chunk, b.n() - start);
                float[] a = java.util.Arrays.copyOfRange(b.a(), start * px, (start + m) * px);
                float[] bb = java.util.Arrays.copyOfRange(b.b(), start * px, (start + m) * px);
                if (ModelDescriptor.TASK_PATCH_DESCRIPTOR.equals(d.task())) {
                    float[] da = run(env, s, d.input().name(), a, m, 1, d.outputs().descriptors());
                    float[] db = run(env, s, d.input().name(), bb, m, 1, d.outputs().descriptors());
                    int dim = da.length / m;
                    for (int i = 0; i < m; i++) {
                        double dist = 0;
                        for (int k = 0; k < dim; k++) {
                            double x = da[i * dim + k] - db[i * dim + k];
                            dist += x * x;
                        }
                        out[start + i] = (float) -Math.sqrt(dist);
                    }
                } else {
                    // 2-channel input: channel 0 = patch A, channel 1 = patch B
                    float[] pairs = new float[2 * m * px];
                    for (int i = 0; i < m; i++) {
                        System.arraycopy(a, i * px, pairs, 2 * i * px, px);
                        System.arraycopy(bb, i * px, pairs, (2 * i + 1) * px, px);
                    }
                    System.arraycopy(run(env, s, d.input().name(), pairs, m, 2, d.outputs().scores()), 0, out, start,
                            m);
                }
            }
            return out;
        }
    }

    private static float[] run(OrtEnvironment env, OrtSession s, String input, float[] data, int n, int c,
                               String output) throws Exception {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {n, c, 64, 64});
             OrtSession.Result r = s.run(Map.of(input, t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
            float[] o = new float[fb.remaining()];
            fb.get(o);
            return o;
        }
    }
}
