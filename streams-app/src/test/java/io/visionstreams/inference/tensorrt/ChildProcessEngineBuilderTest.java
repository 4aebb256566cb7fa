package io.visionstreams.inference.tensorrt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.inference.InferenceException;

/** The parent side of the child-process build: every way the child can end becomes a clear exception. */
class ChildProcessEngineBuilderTest {

    @TempDir
    Path dir;

    private static final BuildOptions OPTIONS = new BuildOptions(2, 4, 64L << 20, 1, Duration.ofSeconds(60));

    private InferenceException buildWith(Class<?> main, BuildOptions options) throws Exception {
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, OnnxFactsTest.model(1));
        ChildProcessEngineBuilder b = new ChildProcessEngineBuilder(main.getName(), List.of("-Xmx64m"));
        return assertThrows(InferenceException.class,
                () -> b.build("m:1", onnx, dir.resolve("out"), options, dir.resolve("timing.cache")));
    }

    @Test
    void realBuilderOnAHostWithoutTensorRtFailsWithTheProbeReason() throws Exception {
        assumeFalse(TensorRtProbe.probe().available(), "TensorRT present: the GPU test builds for real");
        InferenceException e = buildWith(EngineBuildMain.class, OPTIONS);
        String m = e.getMessage();
        assertTrue(m.contains("TensorRT engine build for m:1 failed: TensorRT is not available to the engine builder"), m);
        // the child ran the same probe and reports the same failing step as this JVM
        assertTrue(m.contains(TensorRtProbe.probe().failedStep()), m);
        assertTrue(m.contains("probe: FAIL"), "log tail is attached: " + m);
    }

    @Test
    void aCrashingBuilderIsReportedNotInherited() throws Exception {
        String m = buildWith(CrashingBuilder.class, OPTIONS).getMessage();
        assertTrue(m.contains("crashed (signal 6)"), m);
        assertTrue(m.contains("about to abort"), "log tail is attached: " + m);
    }

    @Test
    void aHangingBuilderIsKilledAtTheTimeout() throws Exception {
        BuildOptions quick = new BuildOptions(2, 4, 64L << 20, 1, Duration.ofSeconds(3));
        String m = buildWith(HangingBuilder.class, quick).getMessage();
        assertTrue(m.contains("timed out after 3 s and was killed"), m);
    }

    @Test
    void exitZeroWithoutAPlanIsAFailure() throws Exception {
        String m = buildWith(SilentBuilder.class, OPTIONS).getMessage();
        assertTrue(m.contains("exited 0 but wrote no plan"), m);
    }

    @Test
    void badArgumentsAreMapped() {
        String m = ChildProcessEngineBuilder.describeFailure("m:1", EngineBuildMain.ExitCode.PARSE_FAILED,
                dir.resolve("missing.log"));
        assertTrue(m.contains("could not be parsed by TensorRT"), m);
        assertTrue(m.contains("is empty"), m);
    }

    @Test
    void childGetsTheSameClasspathAndPassesJavaCppSettings() {
        System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        List<String> cmd = new ChildProcessEngineBuilder().command(dir.resolve("m.onnx"), dir, OPTIONS, null);
        assertTrue(cmd.contains(System.getProperty("java.class.path")));
        assertTrue(cmd.contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"), cmd.toString());
        assertTrue(cmd.contains(EngineBuildMain.class.getName()));
        assertFalse(cmd.contains("--timing-cache"));
        int i = cmd.indexOf("--max-batch");
        assertTrue(i > 0 && cmd.get(i + 1).equals("4"), cmd.toString());
    }

    @Test
    void aHostWithoutABuilderIsReportedAsSuch() throws Exception {
        InferenceException e = buildWith(NoBuilderHost.class, OPTIONS);
        assertTrue(e instanceof ChildProcessEngineBuilder.NoBuilderException, e.getClass().getName());
        String m = e.getMessage();
        assertTrue(m.contains("this host cannot build TensorRT engines"), m);
        assertTrue(m.contains("libnvinfer_builder_resource_sm90"), "the child's reason is kept: " + m);
    }

    /** What the real child printed on an H100 whose TensorRT came from the Maven Central redist jar. */
    public static final class NoBuilderHost {
        public static void main(String[] args) {
            System.out.println(EngineBuildMain.FAILURE_PREFIX + "createInferBuilder returned null: [Unable to load "
                    + "library: libnvinfer_builder_resource_sm90.so.11.2.1]");
            System.exit(EngineBuildMain.ExitCode.NO_BUILDER);
        }
    }

    /** Dies like a native abort() would (exit status 128 + SIGABRT). */
    public static final class CrashingBuilder {
        public static void main(String[] args) {
            System.out.println("about to abort");
            System.out.flush();
            Runtime.getRuntime().halt(134);
        }
    }

    public static final class HangingBuilder {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(600_000);
        }
    }

    public static final class SilentBuilder {
        public static void main(String[] args) {
            System.exit(0);
        }
    }
}
