package io.visionstreams.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.visionstreams.schema.ModelDescriptor;

/**
 * Finds model versions: the ones shipped inside the application (models/zoo in the repository,
 * packaged as classpath resources, so users need no files beside the jar), or a directory holding
 * model.json and its ONNX file (a user's own model, or a newer release).
 */
public final class ModelZoo {

    /** The detector served when none is configured. */
    public static final String DEFAULT_DETECTOR = "detector-student/1";

    /** The stylisation model served when none is configured (multi-style CIN network, see its MODEL_CARD.md). */
    public static final String DEFAULT_STYLIZER = "style-cin/3";

    private static final String ROOT = "/io/visionstreams/zoo/";

    private ModelZoo() {
    }

    /**
     * Resolves {@code spec}: an existing directory (or its model.json) on disk, else a bundled
     * {@code name/version}.
     */
    public static LoadedModel resolve(String spec) throws IOException {
        Path p = Path.of(spec);
        if (Files.isDirectory(p)) {
            return loadDirectory(p);
        }
        if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")) {
            return loadDirectory(p.toAbsolutePath().getParent());
        }
        if (!spec.matches("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+")) {
            throw new IOException("model '" + spec + "' is neither a directory with model.json nor a bundled name/version"
                    + " (e.g. " + DEFAULT_DETECTOR + ")");
        }
        return loadBundled(spec);
    }

    public static LoadedModel loadBundled(String nameVersion) throws IOException {
        String base = ROOT + nameVersion + "/";
        byte[] json = readResource(base + ModelDescriptor.FILE_NAME, nameVersion);
        ModelDescriptor d;
        try {
            d = ModelDescriptor.parse(new String(json, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("bundled model " + nameVersion + ": invalid model.json: " + e.getMessage(), e);
        }
        byte[] onnx = readResource(base + d.onnx(), nameVersion);
        LoadedModel m = verified(d, onnx, "bundled:" + nameVersion);
        try (InputStream fp16 = ModelZoo.class.getResourceAsStream(base + FP16_ONNX_FILE)) {
            return fp16 == null ? m : new LoadedModel(d, onnx, m.location(), fp16.readAllBytes());
        }
    }

    public static LoadedModel loadDirectory(Path dir) throws IOException {
        Path json = dir.resolve(ModelDescriptor.FILE_NAME);
        if (!Files.isRegularFile(json)) {
            throw new IOException("no " + ModelDescriptor.FILE_NAME + " in " + dir);
        }
        ModelDescriptor d = ModelDescriptor.read(json);
        Path onnx = dir.resolve(d.onnx());
        if (!Files.isRegularFile(onnx)) {
            throw new IOException(json + " names " + d.onnx() + ", which is not in " + dir);
        }
        LoadedModel m = verified(d, Files.readAllBytes(onnx), dir.toString());
        // an FP16 variant beside the FP32 graph is what a TensorRT instance with --precision fp16 builds from
        Path fp16 = dir.resolve(FP16_ONNX_FILE);
        return Files.isRegularFile(fp16) ? new LoadedModel(m.descriptor(), m.onnx(), m.location(), Files.readAllBytes(fp16)) : m;
    }

    /** The optional FP16 variant of a model directory's ONNX. */
    public static final String FP16_ONNX_FILE = "model.fp16.onnx";

    private static LoadedModel verified(ModelDescriptor d, byte[] onnx, String location) throws IOException {
        String actual = sha256(onnx);
        if (!actual.equals(d.sha256())) {
            throw new IOException("model " + d.name() + ":" + d.version() + " at " + location + ": ONNX SHA-256 is "
                    + actual + " but model.json says " + d.sha256() + " (corrupted or mismatched files)");
        }
        return new LoadedModel(d, onnx, location);
    }

    private static byte[] readResource(String path, String nameVersion) throws IOException {
        try (InputStream in = ModelZoo.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no bundled model " + nameVersion + " (missing " + path + ")");
            }
            return in.readAllBytes();
        }
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
