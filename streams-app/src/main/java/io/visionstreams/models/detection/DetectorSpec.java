package io.visionstreams.models.detection;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.visionstreams.schema.ModelDescriptor;

/**
 * What pre- and post-processing need to know about a detector: input geometry, layout and
 * normalisation, output names and decoder, class names. Built from a model descriptor (model.json)
 * so that a new model needs no code change.
 *
 * @param decoder output layout: {@code vision-streams-v1} is the project's own (boxes [N,A,4] as
 *                x1,y1,x2,y2 in network pixels, scores [N,A,C] probabilities, optional cams [N,C,h,w]);
 *                {@code yolo-v8} is one tensor [N,A,4+C] or [N,4+C,A] (cx,cy,w,h in network pixels, then
 *                class scores); {@code yolo-v5} is [N,A,5+C] (cx,cy,w,h, objectness, class scores)
 * @param nhwc    input layout NHWC instead of NCHW
 * @param camStride network pixels per CAM cell (0 when the model has no CAM output)
 * @param padEdge letterbox borders repeat the frame's edge pixels instead of {@code padValue}
 */
public record DetectorSpec(String inputName, int inputWidth, int inputHeight, boolean bgr, float scale,
                           float[] mean, float[] std, boolean letterbox, int padValue, boolean nhwc, String decoder,
                           String boxesOutput, String scoresOutput, String predictionsOutput, String camsOutput,
                           int camStride, List<String> classes, boolean padEdge) {

    public static final String DECODER_VISION_STREAMS_V1 = ModelDescriptor.DECODER_V1;
    public static final String DECODER_YOLO_V8 = ModelDescriptor.DECODER_YOLO_V8;
    public static final String DECODER_YOLO_V5 = ModelDescriptor.DECODER_YOLO_V5;
    public static final Set<String> DECODERS = ModelDescriptor.DETECTION_DECODERS;

    public DetectorSpec {
        if (inputWidth <= 0 || inputHeight <= 0) {
            throw new IllegalArgumentException("detector input size must be positive, got " + inputWidth + "x" + inputHeight);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (one per channel)");
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("detector declares no classes");
        }
        if (!DECODERS.contains(decoder)) {
            throw new IllegalArgumentException("unsupported detector output decoder '" + decoder
                    + "' (supported: " + DECODERS + ")");
        }
        if (isYolo(decoder) ? predictionsOutput == null : (boxesOutput == null || scoresOutput == null)) {
            throw new IllegalArgumentException(isYolo(decoder) ? "decoder " + decoder + " needs outputs.predictions"
                    : "decoder " + decoder + " needs outputs.boxes and outputs.scores");
        }
        if (camsOutput != null && camStride <= 0) {
            throw new IllegalArgumentException("a CAM output needs a positive camStride, got " + camStride);
        }
        classes = List.copyOf(classes);
    }

    /** The project's own decoder, NCHW input (the shape of every zoo detector). */
    public DetectorSpec(String inputName, int inputWidth, int inputHeight, boolean bgr, float scale, float[] mean,
                        float[] std, boolean letterbox, int padValue, String boxesOutput, String scoresOutput,
                        String camsOutput, int camStride, List<String> classes) {
        this(inputName, inputWidth, inputHeight, bgr, scale, mean, std, letterbox, padValue, false,
                DECODER_VISION_STREAMS_V1, boxesOutput, scoresOutput, null, camsOutput, camStride, classes, false);
    }

    /** The spec a model descriptor (model.json) declares. */
    public static DetectorSpec from(ModelDescriptor d) {
        ModelDescriptor.Input in = d.input();
        String layout = in.layout() == null ? "NCHW" : in.layout().toUpperCase(Locale.ROOT);
        if (!layout.equals("NCHW") && !layout.equals("NHWC")) {
            throw new IllegalArgumentException("model " + d.name() + ": input layout " + in.layout()
                    + " unsupported (NCHW or NHWC)");
        }
        String order = in.colorOrder() == null ? "RGB" : in.colorOrder().toUpperCase(Locale.ROOT);
        if (!order.equals("RGB") && !order.equals("BGR")) {
            throw new IllegalArgumentException("model " + d.name() + ": colorOrder must be RGB or BGR, got " + in.colorOrder());
        }
        ModelDescriptor.Outputs out = d.outputs();
        return new DetectorSpec(in.name(), in.width(), in.height(), order.equals("BGR"), (float) in.scale(),
                floats(in.mean()), floats(in.std()), in.letterbox(), in.padValue(), layout.equals("NHWC"),
                d.decoder() == null ? DECODER_VISION_STREAMS_V1 : d.decoder(), out.boxes(), out.scores(),
                out.predictions(), out.cams(), d.camStride() == null ? 0 : d.camStride(), d.classes(), in.padEdge());
    }

    static boolean isYolo(String decoder) {
        return DECODER_YOLO_V8.equals(decoder) || DECODER_YOLO_V5.equals(decoder);
    }

    public boolean yolo() {
        return isYolo(decoder);
    }

    /** True when the model can explain its detections (it has a CAM output). */
    public boolean hasCams() {
        return camsOutput != null;
    }

    private static float[] floats(List<Double> v) {
        float[] f = new float[v.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = v.get(i).floatValue();
        }
        return f;
    }

    public int numClasses() {
        return classes.size();
    }

    public String label(int classId) {
        return classId >= 0 && classId < classes.size() ? classes.get(classId) : "class-" + classId;
    }
}
