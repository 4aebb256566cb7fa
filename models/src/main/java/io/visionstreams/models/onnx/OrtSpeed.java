package io.visionstreams.models.onnx;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * ONNX Runtime CPU latency of any zoo model on random inputs: the batch dimension is {@code batch}, every other
 * symbolic dimension {@code spatial}, float inputs uniform in [0, 1) (non-negative, so style weights are valid
 * too). The median and p90 of {@code runs} timed runs after {@code warmup} untimed ones, with the 1-minute load
 * average before and after, since the build machine is shared and absolute times move with its load.
 */
public final class OrtSpeed {

    /** Milliseconds per batch (median, p90) and the input shapes used. */
    public record Result(double medianMs, double p90Ms, int batch, Map<String, long[]> shapes, double loadBefore,
                         double loadAfter) {
        public double medianMsPerItem() {
            return medianMs / batch;
        }
    }

    private OrtSpeed() {
    }

    public static Result measure(byte[] onnx, int batch, int spatial, int threads, int warmup, int runs)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double before = loadAverage();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.addConfigEntry("session.intra_op.allow_spinning", "0"); // no busy-waiting on a shared CPU
            try (OrtSession s = env.createSession(onnx, so)) {
                Map<String, long[]> shapes = new LinkedHashMap<>();
                Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
                Random rnd = new Random(1);
                try {
                    for (Map.Entry<String, NodeInfo> e : s.getInputInfo().entrySet()) {
                        TensorInfo ti = (TensorInfo) e.getValue().getInfo();
                        if (ti.type != OnnxJavaType.FLOAT) {
                            throw new IllegalArgumentException("input " + e.getKey() + " is " + ti.type
                                    + "; only float inputs are generated");
                        }
                        long[] shape = ti.getShape().clone();
                        for (int i = 0; i < shape.length; i++) {
                            shape[i] = i == 0 && shape[i] < 0 ? batch : shape[i] < 0 ? spatial : shape[i];
                        }
                        float[] x = new float[(int) Arrays.stream(shape).reduce(1, (p, q) -> p * q)];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = rnd.nextFloat();
                        }
                        shapes.put(e.getKey(), shape);
                        feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape));
                    }
                    for (int w = 0; w < warmup; w++) {
                        s.run(feeds).close();
                    }
                    List<Double> t = new ArrayList<>();
                    for (int r = 0; r < runs; r++) {
                        long t0 = System.nanoTime();
                        s.run(feeds).close();
                        t.add((System.nanoTime() - t0) / 1e6);
                    }
                    t.sort(Double::compare);
                    return new Result(t.get(runs / 2), t.get(Math.min(runs - 1, (int) Math.ceil(0.9 * runs) - 1)),
                            batch, shapes, before, loadAverage());
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    /** The 1-minute load average (NaN where /proc/loadavg does not exist). */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
