package io.visionstreams.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * model.json: what a consumer needs to run a zoo model without reading its code — the ONNX file and
 * its hash, how to preprocess the input, which output is which, and how to decode them.
 *
 * <p>Unknown JSON fields are rejected (a typo must not silently fall back to a default); adding a
 * field is a code change in every reader, which is intended.
 */
@JsonPropertyOrder({"name", "version", "task", "onnx", "sha256", "input", "outputs", "decoder", "camStride",
        "classes", "stylization", "trained"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelDescriptor(String name, String version, String task, String onnx, String sha256, Input input,
                              Outputs outputs, String decoder, Integer camStride, List<String> classes,
                              Stylization stylization, Boolean trained) {

    public static final String FILE_NAME = "model.json";
    public static final String TASK_DETECTION = "detection";
    public static final String TASK_STYLIZATION = "stylization";
    public static final String DECODER_V1 = "vision-streams-v1";
    /**
     * Bring-your-own YOLO-style detector, one output tensor {@code outputs.predictions}: [N, A, 4+C] or the
     * transposed [N, 4+C, A] (v8-style, no objectness); boxes cx, cy, w, h in network-input pixels.
     */
    public static final String DECODER_YOLO_V8 = "yolo-v8";
    /** YOLO v5-style: one tensor [N, A, 5+C] = cx, cy, w, h, objectness, class scores (score = obj · cls). */
    public static final String DECODER_YOLO_V5 = "yolo-v5";
    public static final Set<String> DETECTION_DECODERS = Set.of(DECODER_V1, DECODER_YOLO_V8, DECODER_YOLO_V5);
    /**
     * Dense per-pixel matching features for stereo: a gray image in, unit-length features [N,C,H,W] out
     * (outputs.features); the consumer builds the cost volume itself. No classes, no decoder.
     */
    public static final String TASK_STEREO_FEATURES = "stereo-features";
    /** Single-channel (grayscale) input; mean and std then have one value. */
    public static final String GRAY = "GRAY";
    /** Scores a pair of patches (output {@code outputs.scores}, one raw similarity per pair). */
    public static final String TASK_PATCH_MATCHING = "patch-matching";
    /** Maps a patch to a descriptor (output {@code outputs.descriptors}); compare with a distance. */
    public static final String TASK_PATCH_DESCRIPTOR = "patch-descriptor";
    public static final Set<String> KNOWN_TASKS = Set.of(TASK_DETECTION, "classification", "embedding",
            TASK_STEREO_FEATURES, TASK_PATCH_MATCHING, TASK_PATCH_DESCRIPTOR, TASK_STYLIZATION);

    /** The descriptor without a stylization section (every task but stylization). */
    public ModelDescriptor(String name, String version, String task, String onnx, String sha256, Input input,
                           Outputs outputs, String decoder, Integer camStride, List<String> classes, Boolean trained) {
        this(name, version, task, onnx, sha256, input, outputs, decoder, camStride, classes, null, trained);
    }

    /**
     * The stylisation contract (task "stylization"). The network takes {@code input} (preprocessed as
     * {@link Input} says, H and W dynamic multiples of {@code sizeMultiple}; input.width/height give the
     * training size) and a float [N, S] style-weight tensor named {@code weightsInput}: one-hot selects
     * style {@code styles[s]}, other non-negative weights blend the styles' normalisation parameters
     * (ρ/Σρ). Output {@code output} is [N, 3, H, W] within {@code outputRange}, in the SAME normalised
     * space as the input, so pixel = (value · std + mean) / scale, in input.colorOrder.
     */
    @JsonPropertyOrder({"styles", "weightsInput", "output", "outputRange", "sizeMultiple", "width", "lossNetwork"})
    public record Stylization(List<String> styles, String weightsInput, String output, List<Double> outputRange,
                              int sizeMultiple, int width, String lossNetwork) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /**
     * Network input tensor and the preprocessing that produces it: (pixel * scale - mean) / std.
     *
     * @param pad how letterboxing fills the borders: {@value #PAD_CONSTANT} (absent: {@code padValue}, the YOLO
     *            convention) or {@value #PAD_EDGE} (the frame's border pixels repeated outwards, for models that
     *            never saw padded inputs in training: a flat gray band is an edge they were not trained on)
     */
    @JsonPropertyOrder({"name", "layout", "width", "height", "colorOrder", "scale", "mean", "std", "letterbox",
            "padValue", "pad"})
    public record Input(String name, String layout, int width, int height, String colorOrder, double scale,
                        List<Double> mean, List<Double> std, boolean letterbox, int padValue,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String pad) {

        /** Constant padding with {@code padValue}. */
        public Input(String name, String layout, int width, int height, String colorOrder, double scale,
                     List<Double> mean, List<Double> std, boolean letterbox, int padValue) {
            this(name, layout, width, height, colorOrder, scale, mean, std, letterbox, padValue, null);
        }

        /** True when the letterbox borders repeat the frame's edge pixels. */
        public boolean padEdge() {
            return PAD_EDGE.equals(pad);
        }
    }

    public static final String PAD_CONSTANT = "constant";
    public static final String PAD_EDGE = "edge";

    /**
     * Graph output names by role. Detection: boxes, scores, optional cams and classLogits; patch
     * matching: scores; patch descriptors: descriptors; stereo features: features. YOLO-style detectors:
     * predictions (the one tensor their decoder reads), optionally cams.
     */
    @JsonPropertyOrder({"boxes", "scores", "cams", "classLogits", "descriptors", "features", "predictions"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outputs(String boxes, String scores, String cams, String classLogits, String descriptors,
                          String features, String predictions) {

        /** Every role but YOLO predictions (the shape before bring-your-own detectors). */
        public Outputs(String boxes, String scores, String cams, String classLogits, String descriptors,
                       String features) {
            this(boxes, scores, cams, classLogits, descriptors, features, null);
        }

        /** A YOLO-style detector: one predictions tensor. */
        public static Outputs yolo(String predictions) {
            return new Outputs(null, null, null, null, null, null, predictions);
        }

        /** The detection roles, as before the other tasks existed. */
        public Outputs(String boxes, String scores, String cams, String classLogits) {
            this(boxes, scores, cams, classLogits, null, null);
        }

        /** Detection and patch roles. */
        public Outputs(String boxes, String scores, String cams, String classLogits, String descriptors) {
            this(boxes, scores, cams, classLogits, descriptors, null);
        }

        public static Outputs stereoFeatures(String features) {
            return new Outputs(null, null, null, null, null, features);
        }
    }

    // ---------------------------------------------------------------- I/O

    /** Reads and validates; errors name the file and every problem found. */
    public static ModelDescriptor read(Path file) throws IOException {
        ModelDescriptor d;
        try {
            d = JSON.readValue(file.toFile(), ModelDescriptor.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not a valid model descriptor: " + e.getOriginalMessage(), e);
        }
        if (d == null) {
            throw new IOException(file + ": empty model descriptor");
        }
        try {
            d.validate();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return d;
    }

    public static ModelDescriptor parse(String json) throws IOException {
        ModelDescriptor d = JSON.readValue(json, ModelDescriptor.class);
        d.validate();
        return d;
    }

    /** Validates, then writes pretty-printed JSON with a trailing newline (stable bytes for the zoo). */
    public void write(Path file) throws IOException {
        validate();
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- validation

    /** All problems found, empty when valid. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        present(p, "name", name);
        present(p, "version", version);
        if (present(p, "task", task) && !KNOWN_TASKS.contains(task)) {
            p.add("task '" + task + "' is not one of " + KNOWN_TASKS);
        }
        if (present(p, "onnx", onnx) && (onnx.contains("/") || onnx.contains("\\") || !onnx.endsWith(".onnx"))) {
            p.add("onnx '" + onnx + "' must be a plain file name ending in .onnx (it lives beside model.json)");
        }
        if (present(p, "sha256", sha256) && !sha256.matches("[0-9a-f]{64}")) {
            p.add("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
        if (input == null) {
            p.add("input is missing");
        } else {
            checkInput(p, input);
        }
        boolean stereo = TASK_STEREO_FEATURES.equals(task);
        boolean patchTask = TASK_PATCH_MATCHING.equals(task) || TASK_PATCH_DESCRIPTOR.equals(task);
        boolean stylizationTask = TASK_STYLIZATION.equals(task);
        if (stylizationTask) {
            checkStylization(p);
        } else if (stylization != null) {
            p.add("stylization is only allowed for task '" + TASK_STYLIZATION + "'");
        }
        if (stereo) {
            if (classes != null && !classes.isEmpty()) {
                p.add("classes must be absent for " + TASK_STEREO_FEATURES);
            }
            if (outputs == null || outputs.features() == null || outputs.features().isBlank()) {
                p.add("outputs.features is missing (" + TASK_STEREO_FEATURES + " needs the features output)");
            }
            if (input != null && !GRAY.equals(input.colorOrder())) {
                p.add("input.colorOrder must be GRAY for " + TASK_STEREO_FEATURES);
            }
            if (decoder != null) {
                p.add("decoder must be absent for " + TASK_STEREO_FEATURES + " (the consumer builds the cost volume)");
            }
        } else if (classes == null || classes.isEmpty()) {
            if (!patchTask && !stylizationTask) {
                p.add("classes must list at least one class");
            }
        } else if (stylizationTask) {
            p.add("classes must be absent for stylization (style names are stylization.styles)");
        } else {
            Set<String> seen = new HashSet<>();
            for (String c : classes) {
                if (c == null || c.isBlank()) {
                    p.add("classes must not contain blank names");
                } else if (!seen.add(c)) {
                    p.add("class '" + c + "' is listed twice");
                }
            }
        }
        if (trained == null) {
            p.add("trained is missing (true, or false for a stub)");
        }
        if (TASK_DETECTION.equals(task)) {
            boolean yolo = DECODER_YOLO_V8.equals(decoder) || DECODER_YOLO_V5.equals(decoder);
            if (outputs == null) {
                p.add("outputs is missing (detection needs " + (yolo ? "predictions" : "boxes and scores") + ")");
            } else if (yolo) {
                present(p, "outputs.predictions", outputs.predictions());
                if (outputs.boxes() != null || outputs.scores() != null) {
                    p.add("outputs.boxes/scores must be absent for decoder " + decoder + " (it reads outputs.predictions)");
                }
            } else {
                present(p, "outputs.boxes", outputs.boxes());
                present(p, "outputs.scores", outputs.scores());
            }
            if (input != null && GRAY.equals(input.colorOrder())) {
                p.add("input.colorOrder GRAY is not supported for detection (RGB or BGR)");
            }
            if (!DETECTION_DECODERS.contains(decoder)) {
                p.add("decoder '" + decoder + "' is not supported for detection (expected one of "
                        + new java.util.TreeSet<>(DETECTION_DECODERS) + ")");
            }
            if (outputs != null && outputs.predictions() != null && !yolo) {
                p.add("outputs.predictions is only read by the YOLO decoders (" + DECODER_YOLO_V8 + ", "
                        + DECODER_YOLO_V5 + ")");
            }
            if (outputs != null && outputs.cams() != null && (camStride == null || camStride <= 0)) {
                p.add("camStride must be a positive integer when outputs.cams is set");
            }
        }
        if (TASK_PATCH_MATCHING.equals(task) && (outputs == null || outputs.scores() == null)) {
            p.add("outputs.scores is missing (patch-matching outputs one score per pair)");
        }
        if (TASK_PATCH_DESCRIPTOR.equals(task) && (outputs == null || outputs.descriptors() == null)) {
            p.add("outputs.descriptors is missing (patch-descriptor outputs one descriptor per patch)");
        }
        if (camStride != null && input != null && camStride > 0
                && (input.width() % camStride != 0 || input.height() % camStride != 0)) {
            p.add("camStride " + camStride + " does not divide the input size " + input.width() + "x" + input.height());
        }
        return p;
    }

    /** Throws IllegalArgumentException listing every problem. */
    public ModelDescriptor validate() {
        List<String> p = problems();
        if (!p.isEmpty()) {
            throw new IllegalArgumentException("invalid model descriptor '" + name + "': " + String.join("; ", p));
        }
        return this;
    }

    private void checkStylization(List<String> p) {
        if (stylization == null) {
            p.add("stylization is missing (styles, weightsInput, output, outputRange, sizeMultiple)");
            return;
        }
        Stylization s = stylization;
        if (s.styles() == null || s.styles().isEmpty()) {
            p.add("stylization.styles must list at least one style");
        } else {
            Set<String> seen = new HashSet<>();
            for (String n : s.styles()) {
                if (n == null || n.isBlank()) {
                    p.add("stylization.styles must not contain blank names");
                } else if (!seen.add(n)) {
                    p.add("style '" + n + "' is listed twice");
                }
            }
        }
        present(p, "stylization.weightsInput", s.weightsInput());
        present(p, "stylization.output", s.output());
        if (s.outputRange() == null || s.outputRange().size() != 2 || s.outputRange().stream().anyMatch(v -> v == null)
                || !(s.outputRange().get(0) < s.outputRange().get(1))) {
            p.add("stylization.outputRange must be [low, high] with low < high, got " + s.outputRange());
        }
        if (s.sizeMultiple() != 4) {
            p.add("stylization.sizeMultiple must be 4 (two stride-2 convs, two x2 upsamplings), got " + s.sizeMultiple());
        } else if (input != null && (input.width() % 4 != 0 || input.height() % 4 != 0)) {
            p.add("input size " + input.width() + "x" + input.height() + " is not a multiple of stylization.sizeMultiple");
        }
        if (s.width() < 1) {
            p.add("stylization.width must be >= 1, got " + s.width());
        }
        present(p, "stylization.lossNetwork", s.lossNetwork());
        if (input != null && input.letterbox()) {
            p.add("input.letterbox must be false for stylization (pad to a multiple of 4 and crop back instead)");
        }
        if (outputs != null || decoder != null || camStride != null) {
            p.add("outputs, decoder and camStride are detection fields; stylization uses stylization.output");
        }
    }

    private static void checkInput(List<String> p, Input in) {
        present(p, "input.name", in.name());
        if (!"NCHW".equals(in.layout()) && !"NHWC".equals(in.layout())) {
            p.add("input.layout must be NCHW or NHWC, got '" + in.layout() + "'");
        }
        if (in.width() <= 0 || in.height() <= 0) {
            p.add("input.width and input.height must be positive, got " + in.width() + "x" + in.height());
        }
        if (!"RGB".equals(in.colorOrder()) && !"BGR".equals(in.colorOrder()) && !GRAY.equals(in.colorOrder())) {
            p.add("input.colorOrder must be RGB, BGR or GRAY, got '" + in.colorOrder() + "'");
        }
        if (!(in.scale() > 0) || Double.isInfinite(in.scale())) {
            p.add("input.scale must be a positive number, got " + in.scale());
        }
        int channels = GRAY.equals(in.colorOrder()) ? 1 : 3;
        perChannel(p, "input.mean", in.mean(), false, channels);
        perChannel(p, "input.std", in.std(), true, channels);
        if (in.padValue() < 0 || in.padValue() > 255) {
            p.add("input.padValue must be within 0..255, got " + in.padValue());
        }
        if (in.pad() != null && !PAD_CONSTANT.equals(in.pad()) && !PAD_EDGE.equals(in.pad())) {
            p.add("input.pad must be " + PAD_CONSTANT + " or " + PAD_EDGE + ", got '" + in.pad() + "'");
        }
    }

    private static void perChannel(List<String> p, String field, List<Double> v, boolean positive, int channels) {
        if (v == null || v.size() != channels) {
            p.add(field + " must have " + channels + (channels == 1 ? " value" : " values") + " (one per channel), got " + v);
        } else if (v.stream().anyMatch(x -> x == null || x.isNaN() || x.isInfinite() || (positive && x <= 0))) {
            p.add(field + " values must be finite" + (positive ? " and positive" : "") + ", got " + v);
        }
    }

    /** Adds a problem when blank; returns true when the value is present. */
    private static boolean present(List<String> p, String field, String value) {
        if (value == null || value.isBlank()) {
            p.add(field + " is missing");
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- integrity

    /** Checks that the ONNX file beside {@code descriptorFile} exists and matches sha256. */
    public void verifyOnnx(Path descriptorFile) throws IOException {
        Path onnxFile = descriptorFile.toAbsolutePath().resolveSibling(onnx);
        if (!Files.isRegularFile(onnxFile)) {
            throw new IOException(onnxFile + ": ONNX file named by " + descriptorFile + " does not exist");
        }
        String actual = sha256Hex(Files.readAllBytes(onnxFile));
        if (!actual.equals(sha256)) {
            throw new IOException(onnxFile + ": SHA-256 " + actual + " does not match model.json (" + sha256 + ")");
        }
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
