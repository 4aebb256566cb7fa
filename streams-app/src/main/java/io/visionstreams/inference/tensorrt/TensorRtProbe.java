package io.visionstreams.inference.tensorrt;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether TensorRT can run in this process, checked once (platform-notes §10.3).
 *
 * <p>The first touch of any CUDA or TensorRT class loads its JNI library; if that fails (no driver, no
 * libcudart/cuBLAS/cuDNN/libnvinfer) the JVM throws an {@link Error} and every later touch throws
 * {@code NoClassDefFoundError}: not recoverable. So this class holds no TensorRT or CUDA types, the native
 * calls live in {@link NativeProbeSteps} which is entered only inside {@code catch (Throwable)}, and the
 * result is cached so nothing ever tries again.
 */
public final class TensorRtProbe {

    /** Set to {@code true} to force the CPU path even on a GPU host. */
    public static final String DISABLE_PROPERTY = "visionstreams.tensorrt.disable";

    /** TensorRT 10+ needs Turing or newer (unverified for 11.2 on real hardware). */
    static final int MIN_CC_MAJOR = 7;
    static final int MIN_CC_MINOR = 5;

    private static Result inference;
    private static Result build;

    private TensorRtProbe() {
    }

    /**
     * Outcome of the probe. {@code cuda} is true once a device answered; {@code available} once libnvinfer also
     * loaded; {@code buildSupported} once the ONNX parser loaded as well. {@code failedStep}/{@code reason} say
     * where and why it stopped; {@code steps} is the human-readable trace.
     */
    public record Result(boolean available, boolean buildSupported, boolean cuda, String failedStep, String reason,
                         int deviceCount, String gpuName, int ccMajor, int ccMinor, long totalMemoryBytes,
                         int driverVersion, int runtimeVersion, int trtVersion, List<String> steps) {

        public Result {
            steps = List.copyOf(steps);
        }

        /** One line for logs and error messages. */
        public String describe() {
            if (available) {
                return "TensorRT " + trtVersion + " on " + gpuName + " (compute " + ccMajor + "." + ccMinor + ", "
                        + deviceCount + " device(s))" + (buildSupported ? "" : ", ONNX parser unavailable");
            }
            return "TensorRT not available: step '" + failedStep + "' failed: " + reason;
        }
    }

    /** Probe for inference (driver, CUDA runtime, cuBLAS/cuDNN/nvrtc, libnvinfer). Cached. */
    public static synchronized Result probe() {
        if (inference == null) {
            inference = run(false);
        }
        return inference;
    }

    /** Probe for engine building: additionally loads the ONNX parser. Cached. */
    public static synchronized Result probeForBuild() {
        if (build == null) {
            Result r = probe();
            build = r.available() ? run(true) : r;
        }
        return build;
    }

    private static Result run(boolean forBuild) {
        Trace t = new Trace();
        if (Boolean.getBoolean(DISABLE_PROPERTY)) {
            t.fail("disabled", "-D" + DISABLE_PROPERTY + "=true");
            return t.result();
        }
        try {
            NativeProbeSteps.run(t, forBuild);
        } catch (Throwable e) {
            // UnsatisfiedLinkError, NoClassDefFoundError, ...: an Error by design, caught on purpose
            t.fail(t.current, describe(e));
        }
        return t.result();
    }

    /**
     * A loading failure in one line: the outer error's type with the innermost message, which is the useful one
     * ("libjnicudart.so: libcuda.so.1: cannot open shared object file"); the outer one only lists
     * java.library.path.
     */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() != null ? root.getMessage() : String.valueOf(e.getMessage());
        return e.getClass().getSimpleName() + ": " + msg;
    }

    /** Mutable trace filled by the native steps; plain Java so it can be read after any failure. */
    static final class Trace {
        String current = "start";
        boolean cuda;
        boolean nvinfer;
        boolean parser;
        boolean wantParser;
        String failedStep;
        String reason;
        int deviceCount;
        String gpuName = "";
        int ccMajor;
        int ccMinor;
        long totalMemory;
        int driverVersion;
        int runtimeVersion;
        int trtVersion;
        final List<String> steps = new ArrayList<>();

        void step(String name) {
            current = name;
        }

        void ok(String detail) {
            steps.add("ok   " + current + (detail.isEmpty() ? "" : ": " + detail));
        }

        void fail(String step, String why) {
            failedStep = step;
            reason = why;
            steps.add("FAIL " + step + ": " + why);
        }

        Result result() {
            boolean available = failedStep == null && nvinfer;
            return new Result(available, available && parser, cuda, failedStep, reason, deviceCount, gpuName,
                    ccMajor, ccMinor, totalMemory, driverVersion, runtimeVersion, trtVersion, steps);
        }
    }
}
