package io.visionstreams.models.detection;

import java.util.List;

import io.visionstreams.schema.ModelDescriptor;

/**
 * What pre- and post-processing need to know about a detector: input geometry and normalisation,
 * output names and layout, class names. Built from a model descriptor (model.json) so that a new
 * model needs no code change.
 *
 * @param decoder output layout; {@code vision-streams-v1} is the project's own (boxes [N,A,4] as
 *                x1,y1,x2,y2 in network pixels, scores [N,A,C] probabilities, optional cams [N,C,h,w])
 */
public record DetectorSpec(String inputName, int inputWidth, int inputHeight, boolean bgr, float scale,
                           float[] mean, float[] std, boolean letterbox, int padValue, String decoder,
                           String boxesOutput, String scoresOutput, String camsOutput, List<String> classes) {

    public static final String DECODER_VISION_STREAMS_V1 = "vision-streams-v1";

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
        if (!DECODER_VISION_STREAMS_V1.equals(decoder)) {
            throw new IllegalArgumentException("unsupported detector output decoder '" + decoder
                    + "' (supported: " + DECODER_VISION_STREAMS_V1 + ")");
        }
        classes = List.copyOf(classes);
    }

    /** The spec a model descriptor (model.json) declares. */
    public static DetectorSpec from(ModelDescriptor d) {
        ModelDescriptor.Input in = d.input();
        if (!"NCHW".equalsIgnoreCase(in.layout())) {
            throw new IllegalArgumentException("model " + d.name() + ": input layout " + in.layout() + " unsupported (NCHW only)");
        }
        String order = in.colorOrder() == null ? "RGB" : in.colorOrder().toUpperCase(java.util.Locale.ROOT);
        if (!order.equals("RGB") && !order.equals("BGR")) {
            throw new IllegalArgumentException("model " + d.name() + ": colorOrder must be RGB or BGR, got " + in.colorOrder());
        }
        ModelDescriptor.Outputs out = d.outputs();
        return new DetectorSpec(in.name(), in.width(), in.height(), order.equals("BGR"), (float) in.scale(),
                floats(in.mean()), floats(in.std()), in.letterbox(), in.padValue(), d.decoder(),
                out.boxes(), out.scores(), out.cams(), d.classes());
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
