package io.visionstreams.models.detection;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * ORT CPU latency of the committed stub; opt-in because timings are slow and machine-specific:
 * {@code ./mvnw -q -pl models test -Dtest=StubDetectorBenchmark -Dbench=true}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class StubDetectorBenchmark {

    @Test
    void latency() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setInterOpNumThreads(1);
        int threads = Integer.getInteger("bench.threads", Runtime.getRuntime().availableProcessors());
        o.setIntraOpNumThreads(threads);
        byte[] model = Files.readAllBytes(Path.of("zoo/detector/0-stub/model.onnx"));
        try (OrtSession s = env.createSession(model, o)) {
            for (int batch : new int[] {1, 8}) {
                float[] x = StubDetectorTest.randomImages(batch, 1);
                long[] shape = {batch, 3, StubDetector.INPUT_SIZE, StubDetector.INPUT_SIZE};
                int iters = batch == 1 ? 200 : 30;
                double[] ms = new double[iters];
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
                    for (int i = -10; i < iters; i++) { // 10 warm-up runs
                        long t0 = System.nanoTime();
                        try (OrtSession.Result r = s.run(Map.of("images", t))) {
                            if (i >= 0) {
                                ms[i] = (System.nanoTime() - t0) / 1e6;
                            }
                        }
                    }
                }
                Arrays.sort(ms);
                System.out.printf(Locale.ROOT, "stub detector ORT CPU, %d intra-op threads, batch %d: median %.2f ms"
                                + " (p90 %.2f) per batch = %.2f ms per image%n", threads, batch, ms[iters / 2],
                        ms[iters * 9 / 10], ms[iters / 2] / batch);
            }
        }
    }
}
