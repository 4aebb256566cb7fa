package io.visionstreams.inference.tensorrt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.visionstreams.inference.Precision;

/**
 * The JSON written beside every serialized plan. A plan is opaque and only loads on the TensorRT version and
 * GPU that built it, so the manifest says what it is for (the {@link PlanKey} fields), what it contains (I/O
 * names, dtypes, shapes; precision) and how it was built, and carries the plan's own SHA-256 so a truncated or
 * replaced file is caught before TensorRT sees it.
 */
public record PlanManifest(int format, String planFile, long planBytes, String planSha256,
                           int trtVersion, String gpuName, int ccMajor, int ccMinor,
                           String onnxSha256, String precision,
                           List<IoTensor> inputs, List<IoTensor> outputs,
                           Profile profile, Builder builder, String builtAt, long buildMillis) {

    public static final int FORMAT = 1;
    public static final String FILE_NAME = "manifest.json";
    public static final String PLAN_FILE_NAME = "plan.engine";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public PlanManifest {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** One engine I/O tensor; -1 marks the dynamic batch dimension. */
    public record IoTensor(String name, String dtype, long[] shape) {
        public IoTensor {
            shape = shape.clone();
        }
    }

    public record Profile(int minBatch, int optBatch, int maxBatch) {
    }

    public record Builder(long workspaceBytes, int optimizationLevel, boolean timingCache,
                          String hardwareCompatibility, boolean versionCompatible) {
    }

    public PlanKey key() {
        return new PlanKey(gpuName, ccMajor, ccMinor, trtVersion, onnxSha256,
                profile.minBatch(), profile.optBatch(), profile.maxBatch(),
                "fp16".equalsIgnoreCase(precision) ? Precision.FP16 : Precision.FP32);
    }

    /** Every field where this manifest differs from the key; empty when it is the plan the key asks for. */
    public List<String> mismatches(PlanKey want) {
        List<String> out = new ArrayList<>();
        if (format != FORMAT) {
            out.add("manifest format " + format + " (expected " + FORMAT + ")");
        }
        if (!want.gpuName().equals(gpuName)) {
            out.add("GPU '" + gpuName + "' (this host: '" + want.gpuName() + "')");
        }
        if (want.ccMajor() != ccMajor || want.ccMinor() != ccMinor) {
            out.add("compute capability " + ccMajor + "." + ccMinor + " (this host: " + want.ccMajor() + "."
                    + want.ccMinor() + ")");
        }
        if (want.trtVersion() != trtVersion) {
            out.add("TensorRT version " + trtVersion + " (this process: " + want.trtVersion() + ")");
        }
        if (!want.onnxSha256().equals(onnxSha256)) {
            out.add("ONNX SHA-256 " + onnxSha256 + " (model: " + want.onnxSha256() + ")");
        }
        if (profile == null || profile.minBatch() != want.minBatch() || profile.optBatch() != want.optBatch()
                || profile.maxBatch() != want.maxBatch()) {
            out.add("profile " + profile + " (wanted " + want.minBatch() + "/" + want.optBatch() + "/"
                    + want.maxBatch() + ")");
        }
        // an FP32 key takes the graph as it is (as before precision was keyed); an FP16 key needs an FP16 graph
        if (want.precision() == Precision.FP16 && !want.precision().tag().equalsIgnoreCase(String.valueOf(precision))) {
            out.add("precision " + precision + " (wanted " + want.precision().tag() + ")");
        }
        return out;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise plan manifest", e);
        }
    }

    public static PlanManifest fromJson(String json) throws IOException {
        PlanManifest m = JSON.readValue(json, PlanManifest.class);
        if (m.planFile() == null || m.planSha256() == null || m.gpuName() == null || m.onnxSha256() == null
                || m.profile() == null) {
            throw new IOException("plan manifest is missing required fields");
        }
        return m;
    }

    public static PlanManifest read(Path file) throws IOException {
        return fromJson(java.nio.file.Files.readString(file));
    }
}
