package io.visionstreams.inference.tensorrt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;

/**
 * The engine builder, run as a child process by {@link ChildProcessEngineBuilder}: a builder crash, a CUDA
 * fault or the objects the builder leaks (the parser cannot be freed from Java) die with this process instead
 * of the service.
 *
 * <pre>
 * EngineBuildMain --onnx model.onnx --out DIR --opt-batch 8 --max-batch 32 --workspace-mb 1024
 *                 --opt-level 3 [--timing-cache FILE]
 * </pre>
 *
 * Writes {@code DIR/plan.engine} and {@code DIR/manifest.json}. Exit codes are the contract with the parent
 * ({@link ExitCode}); the last line starting with {@code BUILD-FAILED:} carries the reason.
 */
public final class EngineBuildMain {

    /** Exit codes of the child, mapped to messages by the parent. */
    public static final class ExitCode {
        public static final int OK = 0;
        public static final int UNEXPECTED = 1;
        public static final int NOT_AVAILABLE = 2;
        public static final int BAD_ARGUMENTS = 3;
        public static final int PARSE_FAILED = 4;
        public static final int UNSUPPORTED_MODEL = 5;
        public static final int BUILD_FAILED = 6;
        /** No builder on this host at all (e.g. no builder resource library for this GPU's architecture). */
        public static final int NO_BUILDER = 7;

        private ExitCode() {
        }
    }

    static final String FAILURE_PREFIX = "BUILD-FAILED: ";

    private EngineBuildMain() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (BuildFailure f) {
            System.out.println(FAILURE_PREFIX + f.getMessage());
            code = f.code;
        } catch (Throwable t) {
            System.out.println(FAILURE_PREFIX + TensorRtProbe.describe(t));
            t.printStackTrace(System.out);
            code = ExitCode.UNEXPECTED;
        }
        System.out.flush();
        // exit without running TensorRT/JavaCPP shutdown hooks on objects we deliberately leaked
        Runtime.getRuntime().halt(code);
    }

    private static int run(String[] args) throws IOException, BuildFailure {
        Args a = Args.parse(args);
        // the probe runs before any TensorRT class is touched, exactly as in the service
        TensorRtProbe.Result probe = TensorRtProbe.probeForBuild();
        probe.steps().forEach(s -> System.out.println("probe: " + s));
        if (!probe.available() || !probe.buildSupported()) {
            throw new BuildFailure(ExitCode.NOT_AVAILABLE, probe.describe());
        }
        byte[] onnx = Files.readAllBytes(a.onnx);
        String precision;
        try {
            precision = OnnxFacts.precision(onnx);
        } catch (IllegalArgumentException e) {
            throw new BuildFailure(ExitCode.PARSE_FAILED, a.onnx + ": " + e.getMessage());
        }
        long started = System.nanoTime();
        TrtLogger log = TrtNatives.echoingLogger();
        IBuilder builder = nvinfer.createInferBuilder(log);
        if (builder == null || builder.isNull()) {
            throw new BuildFailure(ExitCode.NO_BUILDER, "createInferBuilder returned null: " + log.errorsSince(0));
        }
        INetworkDefinition network = builder.createNetworkV2(0); // TRT 11: explicit batch, strongly typed
        IParser parser = nvonnxparser.createParser(network, log);
        if (!parser.parseFromFile(a.onnx.toString(), TrtLogger.WARNING)) {
            List<String> errors = new ArrayList<>();
            for (int i = 0; i < parser.getNbErrors(); i++) {
                IParserError e = parser.getError(i);
                errors.add(e.nodeName() + ": " + e.desc());
            }
            throw new BuildFailure(ExitCode.PARSE_FAILED, "nvonnxparser rejected " + a.onnx + ": " + errors);
        }

        IBuilderConfig config = builder.createBuilderConfig();
        config.setMemoryPoolLimit(nvinfer.MemoryPoolType.kWORKSPACE, a.workspaceBytes);
        config.setBuilderOptimizationLevel(a.optLevel);
        IOptimizationProfile profile = builder.createOptimizationProfile(); // owned by the builder
        List<PlanManifest.IoTensor> inputs = new ArrayList<>();
        for (int i = 0; i < network.getNbInputs(); i++) {
            ITensor t = network.getInput(i);
            String name = t.getName();
            long[] shape = dims(t.getDimensions());
            checkBatchOnlyDynamic(name, shape);
            Dims64 d = new Dims64();
            d.nbDims(shape.length);
            for (int k = 1; k < shape.length; k++) {
                d.d(k, shape[k]);
            }
            setProfile(profile, name, nvinfer.OptProfileSelector.kMIN, d, BuildOptions.MIN_BATCH);
            setProfile(profile, name, nvinfer.OptProfileSelector.kOPT, d, a.optBatch);
            setProfile(profile, name, nvinfer.OptProfileSelector.kMAX, d, a.maxBatch);
            inputs.add(new PlanManifest.IoTensor(name, dtype(t.getType().value), shape));
        }
        if (config.addOptimizationProfile(profile) < 0) {
            throw new BuildFailure(ExitCode.BUILD_FAILED, "optimisation profile rejected: " + log.errorsSince(0));
        }
        List<PlanManifest.IoTensor> outputs = new ArrayList<>();
        for (int i = 0; i < network.getNbOutputs(); i++) {
            ITensor t = network.getOutput(i);
            long[] shape = dims(t.getDimensions());
            checkBatchOnlyDynamic(t.getName(), shape);
            outputs.add(new PlanManifest.IoTensor(t.getName(), dtype(t.getType().value), shape));
        }

        ITimingCache timingCache = null;
        if (a.timingCache != null) {
            byte[] previous = Files.exists(a.timingCache) ? Files.readAllBytes(a.timingCache) : new byte[0];
            BytePointer blob = previous.length == 0 ? new BytePointer((long) 0) : new BytePointer(previous);
            timingCache = config.createTimingCache(blob, previous.length);
            if (timingCache == null || timingCache.isNull()) {
                System.out.println("timing cache " + a.timingCache + " unusable; building without it");
                timingCache = config.createTimingCache(new BytePointer((long) 0), 0);
            }
            config.setTimingCache(timingCache, false);
        }

        IHostMemory plan = builder.buildSerializedNetwork(network, config);
        if (plan == null || plan.isNull() || plan.size() == 0) {
            throw new BuildFailure(ExitCode.BUILD_FAILED, "buildSerializedNetwork failed: " + log.errorsSince(0));
        }
        byte[] planBytes = hostBytes(plan);
        long buildMillis = (System.nanoTime() - started) / 1_000_000;

        Files.createDirectories(a.out);
        Files.write(a.out.resolve(PlanManifest.PLAN_FILE_NAME), planBytes);
        PlanManifest manifest = new PlanManifest(PlanManifest.FORMAT, PlanManifest.PLAN_FILE_NAME, planBytes.length,
                OnnxFacts.sha256(planBytes), probe.trtVersion(), probe.gpuName(), probe.ccMajor(), probe.ccMinor(),
                OnnxFacts.sha256(onnx), precision, inputs, outputs,
                new PlanManifest.Profile(BuildOptions.MIN_BATCH, a.optBatch, a.maxBatch),
                new PlanManifest.Builder(a.workspaceBytes, a.optLevel, timingCache != null, "none", false),
                Instant.now().toString(), buildMillis);
        Files.writeString(a.out.resolve(PlanManifest.FILE_NAME), manifest.toJson());

        if (timingCache != null) {
            byte[] cacheBytes = hostBytes(timingCache.serialize());
            Files.createDirectories(a.timingCache.getParent());
            Path tmp = Files.createTempFile(a.timingCache.getParent(), ".timing", ".tmp");
            Files.write(tmp, cacheBytes);
            Files.move(tmp, a.timingCache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("built " + planBytes.length + " byte plan (" + precision + ", profile 1/" + a.optBatch + "/"
                + a.maxBatch + ") in " + buildMillis + " ms");
        return ExitCode.OK;
    }

    private static void setProfile(IOptimizationProfile p, String name, nvinfer.OptProfileSelector which, Dims64 d,
                                   int batch) throws BuildFailure {
        d.d(0, batch);
        if (!p.setDimensions(name, which, d)) {
            throw new BuildFailure(ExitCode.BUILD_FAILED, "profile dimensions rejected for input " + name);
        }
    }

    private static void checkBatchOnlyDynamic(String name, long[] shape) throws BuildFailure {
        if (shape.length == 0) {
            throw new BuildFailure(ExitCode.UNSUPPORTED_MODEL, "tensor " + name + " is a scalar; need a batch axis");
        }
        if (shape[0] != -1) {
            throw new BuildFailure(ExitCode.UNSUPPORTED_MODEL, "tensor " + name + " has a fixed batch of " + shape[0]
                    + "; the engine needs a dynamic batch axis (export the ONNX with a symbolic first dimension)");
        }
        for (int k = 1; k < shape.length; k++) {
            if (shape[k] < 0) {
                throw new BuildFailure(ExitCode.UNSUPPORTED_MODEL, "tensor " + name + " has dynamic dimension " + k
                        + " " + java.util.Arrays.toString(shape) + "; only the batch axis may be dynamic");
            }
        }
    }

    static long[] dims(Dims64 d) {
        long[] s = new long[d.nbDims()];
        for (int i = 0; i < s.length; i++) {
            s[i] = d.d(i);
        }
        return s;
    }

    /** TensorRT DataType value to the manifest's dtype name. */
    static String dtype(int value) {
        if (value == nvinfer.DataType.kFLOAT.value) {
            return "float32";
        } else if (value == nvinfer.DataType.kHALF.value) {
            return "float16";
        } else if (value == nvinfer.DataType.kINT32.value) {
            return "int32";
        } else if (value == nvinfer.DataType.kINT64.value) {
            return "int64";
        } else if (value == nvinfer.DataType.kBF16.value) {
            return "bfloat16";
        }
        return "trt-type-" + value;
    }

    /** IHostMemory.data() comes back with capacity 0: set it before the bulk read (platform-notes §10.7). */
    static byte[] hostBytes(IHostMemory m) {
        byte[] out = new byte[Math.toIntExact(m.size())];
        new BytePointer(m.data()).capacity(m.size()).get(out);
        return out;
    }

    private static final class BuildFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        BuildFailure(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private record Args(Path onnx, Path out, int optBatch, int maxBatch, long workspaceBytes, int optLevel,
                        Path timingCache) {
        static Args parse(String[] args) throws BuildFailure {
            Path onnx = null;
            Path out = null;
            Path cache = null;
            int opt = 8;
            int max = 32;
            long ws = 1024L << 20;
            int level = 3;
            try {
                for (int i = 0; i < args.length; i++) {
                    String v = i + 1 < args.length ? args[i + 1] : null;
                    switch (args[i]) {
                        case "--onnx" -> onnx = Path.of(v);
                        case "--out" -> out = Path.of(v);
                        case "--opt-batch" -> opt = Integer.parseInt(v);
                        case "--max-batch" -> max = Integer.parseInt(v);
                        case "--workspace-mb" -> ws = Long.parseLong(v) << 20;
                        case "--opt-level" -> level = Integer.parseInt(v);
                        case "--timing-cache" -> cache = Path.of(v);
                        default -> throw new BuildFailure(ExitCode.BAD_ARGUMENTS, "unknown argument " + args[i]);
                    }
                    i++;
                }
                if (onnx == null || out == null) {
                    throw new BuildFailure(ExitCode.BAD_ARGUMENTS, "--onnx and --out are required");
                }
                new BuildOptions(opt, max, ws, level, java.time.Duration.ofSeconds(1)); // same validation as the parent
            } catch (NullPointerException | IllegalArgumentException e) {
                throw new BuildFailure(ExitCode.BAD_ARGUMENTS, "bad arguments: " + e.getMessage());
            }
            return new Args(onnx, out, opt, max, ws, level, cache);
        }
    }
}
