package io.visionstreams.models.stereo;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** ONNX Runtime CPU latency of a feature graph at batch 1, the figure the stereo budget is set in. */
public final class OrtTiming {

    /** Milliseconds per run: median and 90th percentile after warm-up. */
    public record Result(int width, int height, int threads, double medianMs, double p90Ms) {
    }

    private OrtTiming() {
    }

    public static Result measure(byte[] onnx, int width, int height, int threads, int iters) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setInterOpNumThreads(1);
            o.setIntraOpNumThreads(threads);
            // a spinning pool steals the cores the other half of the pipeline (aggregation) needs
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            float[] x = new float[width * height];
            Random r = new Random(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            double[] ms = new double[iters];
            try (OrtSession s = env.createSession(onnx, o);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 1, height, width})) {
                for (int i = -3; i < iters; i++) { // 3 warm-up runs
                    long t0 = System.nanoTime();
                    try (OrtSession.Result res = s.run(Map.of(StereoFeatureNet.INPUT, t))) {
                        if (i >= 0) {
                            ms[i] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
            }
            Arrays.sort(ms);
            return new Result(width, height, threads, ms[iters / 2], ms[Math.min(iters - 1, iters * 9 / 10)]);
        }
    }
}
