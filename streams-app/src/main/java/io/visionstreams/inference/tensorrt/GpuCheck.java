package io.visionstreams.inference.tensorrt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.ModelSource;
import io.visionstreams.inference.Precision;
import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorSpec;

/**
 * One command for a GPU host: what the TensorRT backend can do there, as a readable report.
 *
 * <pre>
 * java -cp 'vision-streams.jar:lib/*' io.visionstreams.inference.tensorrt.GpuCheck \
 *      [--onnx FILE | --model detector-student/1] [--max-batch 8] [--cycles 5] [--cache-dir DIR]
 * </pre>
 *
 * Steps: the probe (which library or call failed, if any); CUDA device, driver and memory; a pinned-host/device
 * round trip on a CUDA stream; then, when TensorRT loads: an engine build in the child process, a cached
 * re-open, runs at every batch size 1..max (and max+3, which is split), parity against ONNX Runtime when it is on
 * the classpath, and GPU memory across open/close cycles. Exit 0 = all good, 2 = skipped (no GPU or no
 * TensorRT), 1 = a check failed.
 */
public final class GpuCheck {

    static final int PASS = 0;
    static final int FAIL = 1;
    static final int SKIPPED = 2;

    /** Largest |trt - ort| accepted relative to max(1, |ort|): FP32 engines may use TF32/other tactics. */
    static final double FP32_TOLERANCE = 2e-2;
    static final double FP16_TOLERANCE = 5e-2;
    /** Growth of used device memory per open/close cycle above which close() is judged not to free. */
    static final long LEAK_BYTES_PER_CYCLE = 8L << 20;

    private GpuCheck() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (Throwable t) {
            System.out.println("[FAIL] unexpected: " + TensorRtProbe.describe(t));
            t.printStackTrace(System.out);
            code = FAIL;
        }
        System.out.println("RESULT: " + (code == PASS ? "PASS" : code == SKIPPED ? "SKIPPED" : "FAIL") + " (exit "
                + code + ")");
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args) throws Exception {
        String model = "detector-student/1";
        Path onnxFile = null;
        int maxBatch = 8;
        int cycles = 5;
        Path cacheDir = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--model" -> model = v;
                case "--onnx" -> onnxFile = Path.of(v);
                case "--max-batch" -> maxBatch = Integer.parseInt(v);
                case "--cycles" -> cycles = Integer.parseInt(v);
                case "--cache-dir" -> cacheDir = Path.of(v);
                default -> {
                    System.out.println("usage: GpuCheck [--onnx FILE | --model NAME/VERSION] [--max-batch N] "
                            + "[--cycles N] [--cache-dir DIR]");
                    return FAIL;
                }
            }
        }
        System.out.println("== Vision Streams GPU check: java " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch"));

        TensorRtProbe.Result probe = TensorRtProbe.probeForBuild();
        System.out.println("== probe");
        probe.steps().forEach(s -> System.out.println("   " + s));
        System.out.println("   -> " + probe.describe());
        if (!probe.cuda()) {
            System.out.println("[skip] no usable CUDA device: every GPU check skipped");
            return SKIPPED;
        }

        System.out.println("== CUDA");
        System.out.println("[ok] " + probe.deviceCount() + " device(s); device 0: " + probe.gpuName() + ", compute "
                + probe.ccMajor() + "." + probe.ccMinor() + ", " + (probe.totalMemoryBytes() >> 20) + " MiB, driver API "
                + probe.driverVersion() + ", runtime " + probe.runtimeVersion());
        System.out.println("[ok] device memory in use: " + (CudaDiagnostics.usedDeviceBytes() >> 20) + " MiB");
        try {
            System.out.println("[ok] " + CudaDiagnostics.pinnedRoundTrip(1 << 20));
        } catch (InferenceException e) {
            System.out.println("[FAIL] pinned/device round trip: " + e.getMessage());
            return FAIL;
        }

        if (!probe.available() || !probe.buildSupported()) {
            System.out.println("[skip] TensorRT checks: " + probe.describe());
            System.out.println("       NativeDelete (vtable slot-1 delete) enabled=" + NativeDelete.enabled()
                    + ": not exercised without TensorRT");
            return SKIPPED;
        }

        ModelSource source = onnxFile != null
                ? new ModelSource(onnxFile.getFileName().toString(), "file", Files.readAllBytes(onnxFile))
                : zooModel(model);
        Path cache = cacheDir != null ? cacheDir : Files.createTempDirectory("vs-trt-cache");
        System.out.println("== TensorRT " + probe.trtVersion() + " with " + source.name() + ":" + source.version()
                + " (" + OnnxFacts.precision(source.onnx()) + " ONNX, sha256 " + OnnxFacts.sha256(source.onnx())
                .substring(0, 16) + "...), plan cache " + cache);
        return tensorRtChecks(source, cache, maxBatch, cycles) ? PASS : FAIL;
    }

    static boolean tensorRtChecks(ModelSource source, Path cache, int maxBatch, int cycles) throws Exception {
        BuildOptions options = new BuildOptions(Math.min(4, maxBatch), maxBatch, 1L << 30, 3, Duration.ofMinutes(20));
        // the check takes the ONNX it is given at its own precision: an FP16 file is served as the FP16 variant
        boolean half = "fp16".equals(OnnxFacts.precision(source.onnx()));
        if (half) {
            source = new ModelSource(source.name(), source.version(), source.onnx(), source.onnx());
        }
        TensorRtRuntime runtime = new TensorRtRuntime(cache, options, 2, half ? Precision.FP16 : Precision.FP32);
        boolean ok = true;

        long t0 = System.nanoTime();
        try (TensorRtSession s = runtime.openSession(source)) {
            System.out.printf("[ok] engine built in a child process and loaded: %.1f s; precision %s; max batch %d%n",
                    (System.nanoTime() - t0) / 1e9, s.precision(), s.maxBatch());
            System.out.println("     inputs " + s.inputs().values() + " outputs " + s.outputs().values());
        }
        t0 = System.nanoTime();
        TensorRtSession session = runtime.openSession(source);
        System.out.printf("[ok] re-opened from the plan cache: %.2f s%n", (System.nanoTime() - t0) / 1e9);

        InferenceRuntime ort = null;
        InferenceSession reference = null;
        try {
            ort = new io.visionstreams.inference.OnnxRuntimeBackend(0, 1);
            reference = ort.open(source);
        } catch (LinkageError | InferenceException e) {
            System.out.println("[skip] parity: ONNX Runtime not usable here (" + e + "); add onnxruntime-*.jar");
        }
        double tolerance = "fp32".equals(session.precision()) ? FP32_TOLERANCE : FP16_TOLERANCE;
        try {
            List<Integer> sizes = new ArrayList<>();
            for (int n = 1; n <= session.maxBatch(); n++) {
                sizes.add(n);
            }
            sizes.add(session.maxBatch() + 3); // above the profile: split into chunks
            Random rnd = new Random(42);
            for (int n : sizes) {
                Map<String, Tensor> in = randomInputs(session.inputs(), n, rnd);
                long r0 = System.nanoTime();
                Map<String, Tensor> out = session.run(in);
                long micros = (System.nanoTime() - r0) / 1000;
                String shapes = shapes(out);
                if (reference == null) {
                    System.out.println("[ok] batch " + n + ": " + shapes + " in " + micros + " us");
                    continue;
                }
                double worst = maxRelativeError(out, reference.run(in));
                boolean good = worst <= tolerance;
                ok &= good;
                System.out.printf("[%s] batch %d: %s in %d us; max error vs ONNX Runtime %.3g (tolerance %.0g)%n",
                        good ? "ok" : "FAIL", n, shapes, micros, worst, tolerance);
            }
        } finally {
            session.close();
            if (reference != null) {
                reference.close();
            }
            if (ort != null) {
                ort.close();
            }
        }

        // close() must give the engine's and contexts' GPU memory back (NativeDelete)
        long first = openRunClose(runtime, source);
        long before = CudaDiagnostics.usedDeviceBytes();
        for (int i = 0; i < cycles; i++) {
            openRunClose(runtime, source);
        }
        long after = CudaDiagnostics.usedDeviceBytes();
        long perCycle = (after - before) / Math.max(1, cycles);
        boolean freed = perCycle < LEAK_BYTES_PER_CYCLE;
        System.out.printf("[%s] %d open/run/close cycles: device memory in use %d -> %d MiB (%+d KiB per cycle; "
                        + "one open session holds about %d MiB); native delete %s%n",
                freed ? "ok" : "FAIL", cycles, before >> 20, after >> 20, perCycle >> 10, first >> 20,
                NativeDelete.enabled() ? "on" : "OFF");
        return ok && freed;
    }

    /** Opens a session (cache hit), runs batch 1, closes; returns the device memory the open session held. */
    static long openRunClose(TensorRtRuntime runtime, ModelSource source) throws InferenceException {
        long base = CudaDiagnostics.usedDeviceBytes();
        try (TensorRtSession s = runtime.openSession(source)) {
            s.run(randomInputs(s.inputs(), 1, new Random(1)));
            return CudaDiagnostics.usedDeviceBytes() - base;
        }
    }

    static ModelSource zooModel(String nameVersion) throws IOException {
        String[] nv = nameVersion.split("/");
        if (nv.length != 2) {
            throw new IllegalArgumentException("--model wants NAME/VERSION, got " + nameVersion);
        }
        String resource = "/io/visionstreams/zoo/" + nv[0] + "/" + nv[1] + "/model.onnx";
        try (InputStream in = GpuCheck.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("model " + nameVersion + " is not in the bundled zoo (" + resource + ")");
            }
            return new ModelSource(nv[0], nv[1], in.readAllBytes());
        }
    }

    static Map<String, Tensor> randomInputs(Map<String, TensorSpec> specs, int n, Random rnd) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (TensorSpec spec : specs.values()) {
            long[] shape = spec.shape();
            shape[0] = n;
            int count = Math.toIntExact(Tensor.elementCount(shape));
            if (spec.type() == Tensor.Type.FLOAT32) {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) {
                    f[i] = (float) rnd.nextGaussian();
                }
                in.put(spec.name(), Tensor.ofFloats(shape, f));
            } else {
                in.put(spec.name(), Tensor.ofInts(shape, new int[count]));
            }
        }
        return in;
    }

    /** Largest |a - b| / max(1, |b|) over every output element; infinite if names or shapes differ. */
    static double maxRelativeError(Map<String, Tensor> actual, Map<String, Tensor> expected) {
        if (!actual.keySet().equals(expected.keySet())) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (String name : expected.keySet()) {
            Tensor a = actual.get(name);
            Tensor b = expected.get(name);
            if (!java.util.Arrays.equals(a.shape(), b.shape()) || a.type() != b.type()) {
                return Double.POSITIVE_INFINITY;
            }
            if (a.type() == Tensor.Type.FLOAT32) {
                float[] x = a.floats();
                float[] y = b.floats();
                for (int i = 0; i < x.length; i++) {
                    worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1.0, Math.abs(y[i])));
                }
            } else if (!java.util.Arrays.equals(a.ints(), b.ints())) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return worst;
    }

    private static String shapes(Map<String, Tensor> out) {
        StringBuilder sb = new StringBuilder();
        out.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append(v));
        return sb.toString();
    }
}
