package io.visionstreams.inference.tensorrt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.inference.InferenceException;

/**
 * Builds a TensorRT plan in a child JVM (same java, same classpath, {@link EngineBuildMain}) so that a builder
 * crash, a hang or the builder's unfreeable objects cannot take the service down. The child's output goes to
 * {@code build.log} in its staging directory; failures become {@link InferenceException}s that say what went
 * wrong and end with the tail of that log.
 */
public final class ChildProcessEngineBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcessEngineBuilder.class);
    static final String LOG_FILE = "build.log";
    private static final int LOG_TAIL_LINES = 25;

    private final String mainClass;
    private final List<String> extraJvmArgs;

    public ChildProcessEngineBuilder() {
        this(EngineBuildMain.class.getName(), List.of());
    }

    /** For tests: any main class honouring {@link EngineBuildMain}'s arguments and exit codes. */
    ChildProcessEngineBuilder(String mainClass, List<String> extraJvmArgs) {
        this.mainClass = mainClass;
        this.extraJvmArgs = List.copyOf(extraJvmArgs);
    }

    /**
     * Runs the child and waits for it. On success {@code outDir} holds {@code plan.engine} and
     * {@code manifest.json}.
     */
    public void build(String modelLabel, Path onnxFile, Path outDir, BuildOptions options, Path timingCache)
            throws InferenceException {
        List<String> cmd = command(onnxFile, outDir, options, timingCache);
        Path logFile = outDir.resolve(LOG_FILE);
        Process process;
        try {
            Files.createDirectories(outDir);
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        } catch (IOException e) {
            throw new InferenceException("cannot start the TensorRT engine builder for " + modelLabel + ": " + e, e);
        }
        LOG.info("building TensorRT engine for {} in child process {} (profile 1/{}/{}, timeout {} s), log {}",
                modelLabel, process.pid(), options.optBatch(), options.maxBatch(), options.timeout().toSeconds(),
                logFile);
        boolean finished;
        try {
            finished = process.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while building the TensorRT engine for " + modelLabel, e);
        }
        if (!finished) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new InferenceException("TensorRT engine build for " + modelLabel + " timed out after "
                    + options.timeout().toSeconds() + " s and was killed" + tail(logFile));
        }
        int code = process.exitValue();
        if (code != EngineBuildMain.ExitCode.OK) {
            if (code == EngineBuildMain.ExitCode.NO_BUILDER) {
                throw new NoBuilderException(describeFailure(modelLabel, code, logFile));
            }
            throw new InferenceException(describeFailure(modelLabel, code, logFile));
        }
        if (!Files.isRegularFile(outDir.resolve(PlanManifest.PLAN_FILE_NAME))
                || !Files.isRegularFile(outDir.resolve(PlanManifest.FILE_NAME))) {
            throw new InferenceException("TensorRT engine builder for " + modelLabel
                    + " exited 0 but wrote no plan/manifest" + tail(logFile));
        }
    }

    List<String> command(Path onnxFile, Path outDir, BuildOptions options, Path timingCache) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the builder holds the ONNX and the plan on the heap; natives are outside it
        cmd.add("-Xmx1g");
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("org.bytedeco.") || name.startsWith("visionstreams.") || name.equals("java.io.tmpdir")
                    || name.equals("java.library.path")) {
                cmd.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.add("--onnx");
        cmd.add(onnxFile.toString());
        cmd.add("--out");
        cmd.add(outDir.toString());
        cmd.add("--opt-batch");
        cmd.add(Integer.toString(options.optBatch()));
        cmd.add("--max-batch");
        cmd.add(Integer.toString(options.maxBatch()));
        cmd.add("--workspace-mb");
        cmd.add(Long.toString(Math.max(1, options.workspaceBytes() >> 20)));
        cmd.add("--opt-level");
        cmd.add(Integer.toString(options.optimizationLevel()));
        if (timingCache != null) {
            cmd.add("--timing-cache");
            cmd.add(timingCache.toString());
        }
        return cmd;
    }

    static String describeFailure(String modelLabel, int code, Path logFile) {
        String reason = lastFailureLine(logFile);
        String what = switch (code) {
            case EngineBuildMain.ExitCode.NOT_AVAILABLE -> "TensorRT is not available to the engine builder";
            case EngineBuildMain.ExitCode.BAD_ARGUMENTS -> "the engine builder rejected its arguments";
            case EngineBuildMain.ExitCode.PARSE_FAILED -> "the ONNX model could not be parsed by TensorRT";
            case EngineBuildMain.ExitCode.UNSUPPORTED_MODEL -> "the model is not supported by the TensorRT backend";
            case EngineBuildMain.ExitCode.BUILD_FAILED -> "TensorRT failed to build the engine";
            case EngineBuildMain.ExitCode.NO_BUILDER -> "this host cannot build TensorRT engines (cached or published "
                    + "plans still load; deploy/README.md: builder resource libraries)";
            case EngineBuildMain.ExitCode.UNEXPECTED -> "the engine builder failed unexpectedly";
            default -> code > 128
                    ? "the engine builder crashed (signal " + (code - 128) + ")"
                    : "the engine builder exited with code " + code;
        };
        return "TensorRT engine build for " + modelLabel + " failed: " + what
                + (reason == null ? "" : ": " + reason) + tail(logFile);
    }

    private static String lastFailureLine(Path logFile) {
        String found = null;
        for (String line : readLines(logFile)) {
            if (line.startsWith(EngineBuildMain.FAILURE_PREFIX)) {
                found = line.substring(EngineBuildMain.FAILURE_PREFIX.length());
            }
        }
        return found;
    }

    private static String tail(Path logFile) {
        List<String> lines = readLines(logFile);
        if (lines.isEmpty()) {
            return " (builder log " + logFile + " is empty)";
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        return "\n--- last " + last.size() + " lines of " + logFile + " ---\n" + String.join("\n", last);
    }

    private static List<String> readLines(Path logFile) {
        try {
            return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The child could not create a TensorRT builder at all: a fact about the host, not about the model. */
    public static final class NoBuilderException extends InferenceException {
        private static final long serialVersionUID = 1L;

        NoBuilderException(String message) {
            super(message);
        }
    }
}
