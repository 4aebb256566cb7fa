package io.visionstreams.models.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * onnx's official checker ({@code check_model} with full_check: op schemas, attribute types, strict shape
 * and type inference), run in a child JVM because its preset needs JavaCPP 1.5.11 and the trainer runs
 * 1.5.14 (platform notes §7.5). The child's classpath is the jars the build copies into
 * {@code models/target/onnx-checker/} plus {@link OnnxCheckerMain}, extracted to a temporary folder.
 *
 * <p>The checker is one gate among three: it missed a Conv whose weight channels did not match its
 * input, which ONNX Runtime session creation and the parity run catch.
 */
public final class OnnxChecker {

    /** Overrides where the checker's jars are (default: {@code onnx-checker/} beside the trainer's classes or jar). */
    public static final String DIR_PROPERTY = "visionstreams.onnxChecker.dir";
    public static final String DIR_ENV = "VISION_STREAMS_ONNX_CHECKER";

    /** One file's verdict; {@code message} is the checker's own text when it failed. */
    public record Verdict(Path file, boolean ok, String message) {
    }

    /** Thrown by {@link #requirePass} with every failing file and the checker's message. */
    public static final class CheckFailedException extends IllegalStateException {
        private final transient List<Verdict> failures;

        CheckFailedException(List<Verdict> failures) {
            super(describe(failures));
            this.failures = List.copyOf(failures);
        }

        public List<Verdict> failures() {
            return failures;
        }

        private static String describe(List<Verdict> failures) {
            StringBuilder sb = new StringBuilder("ONNX checker failed:");
            for (Verdict v : failures) {
                sb.append("\n  ").append(v.file()).append(": ").append(v.message());
            }
            return sb.toString();
        }
    }

    private static final long TIMEOUT_S = 300;

    private final Path jarDir;

    private OnnxChecker(Path jarDir) {
        this.jarDir = jarDir;
    }

    /** The checker whose jars are found by {@link #DIR_PROPERTY}, {@link #DIR_ENV} or beside this code. */
    public static OnnxChecker locate() {
        String configured = System.getProperty(DIR_PROPERTY, System.getenv(DIR_ENV));
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured) : besideThisCode();
        return at(dir);
    }

    /** The checker whose jars are in {@code dir}; fails with what is missing. */
    public static OnnxChecker at(Path dir) {
        if (dir == null || !Files.isDirectory(dir) || jars(dir).size() < 4) {
            throw new IllegalStateException("ONNX checker jars (org.bytedeco:onnx and javacpp 1.5.11, with their "
                    + "linux-x86_64 natives) not found in " + dir + ": build the models module (the "
                    + "copy-onnx-checker step of `./mvnw -pl models generate-resources` puts them in "
                    + "models/target/onnx-checker), or point -D" + DIR_PROPERTY + " / " + DIR_ENV + " at them");
        }
        return new OnnxChecker(dir);
    }

    /** Checks every file (one child JVM for all of them) and returns one verdict per file, in order. */
    public List<Verdict> check(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            return List.of();
        }
        Path mainDir = Files.createTempDirectory("onnx-checker-main");
        try {
            extractMainClass(mainDir);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx256m");
            cmd.add("-XX:TieredStopAtLevel=1");
            // JavaCPP 1.5.11 extracts its natives here, apart from the trainer's 1.5.14 cache
            cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + jarDir.resolve("cache").toAbsolutePath());
            cmd.add("-cp");
            StringBuilder cp = new StringBuilder(mainDir.toString());
            for (Path jar : jars(jarDir)) {
                cp.append(java.io.File.pathSeparatorChar).append(jar.toAbsolutePath());
            }
            cmd.add(cp.toString());
            cmd.add(OnnxCheckerMain.class.getName());
            for (Path f : files) {
                cmd.add(f.toAbsolutePath().toString());
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            // the child writes little; read stderr on a thread so neither pipe can fill and block it
            StringBuilder err = new StringBuilder();
            Thread errReader = new Thread(() -> {
                try (InputStream in = p.getErrorStream()) {
                    err.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the exit status and stdout tell what happened
                }
            }, "onnx-checker-stderr");
            errReader.setDaemon(true);
            errReader.start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ONNX checker did not finish within " + TIMEOUT_S + " s");
            }
            errReader.join(1000);
            return parse(files, out, p.exitValue(), err.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the ONNX checker", e);
        } finally {
            deleteTree(mainDir);
        }
    }

    /**
     * Writes an exported model and runs the checker on the written file: every ONNX the trainer writes goes
     * through here. A failing file is left in place for inspection; the exception names it.
     */
    public static Path writeChecked(Path file, byte[] onnx) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, onnx);
        locate().requirePass(file);
        return file;
    }

    /** Checks and throws {@link CheckFailedException} naming every file that fails. */
    public void requirePass(Path... files) throws IOException {
        List<Verdict> failed = check(List.of(files)).stream().filter(v -> !v.ok()).toList();
        if (!failed.isEmpty()) {
            throw new CheckFailedException(failed);
        }
    }

    static List<Verdict> parse(List<Path> files, String stdout, int exit, String stderr) {
        List<Verdict> verdicts = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith(OnnxCheckerMain.OK)) {
                verdicts.add(new Verdict(Path.of(line.substring(OnnxCheckerMain.OK.length()).strip()), true, ""));
            } else if (line.startsWith(OnnxCheckerMain.FAIL)) {
                String rest = line.substring(OnnxCheckerMain.FAIL.length());
                int tab = rest.indexOf('\t');
                String msg = tab < 0 ? "" : rest.substring(tab + 1).strip().replace("\\n", "\n").replace("\\\\", "\\");
                verdicts.add(new Verdict(Path.of(tab < 0 ? rest.strip() : rest.substring(0, tab)), false, msg));
            }
        }
        if (verdicts.size() != files.size()) {
            // the child died before answering for every file (native crash, missing class): say so plainly
            throw new IllegalStateException("ONNX checker exited with status " + exit + " after " + verdicts.size()
                    + " of " + files.size() + " files; its output:\n" + stdout + stderr);
        }
        // report the caller's paths, in the caller's order
        List<Verdict> named = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Verdict v = verdicts.get(i);
            named.add(new Verdict(files.get(i), v.ok(), v.message()));
        }
        return named;
    }

    private static Path besideThisCode() {
        try {
            var src = OnnxChecker.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            // target/classes or target/vision-streams-models.jar: either way target/onnx-checker
            Path here = Path.of(src.getLocation().toURI());
            return here.toAbsolutePath().getParent().resolve("onnx-checker");
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static List<Path> jars(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void extractMainClass(Path dir) throws IOException {
        String resource = OnnxCheckerMain.class.getName().replace('.', '/') + ".class";
        try (InputStream in = OnnxChecker.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file " + resource + " not found on the classpath");
            }
            Path target = dir.resolve(resource);
            Files.createDirectories(target.getParent());
            Files.copy(in, target);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }
}
