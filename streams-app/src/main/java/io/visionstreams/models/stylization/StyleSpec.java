package io.visionstreams.models.stylization;

import java.util.List;
import java.util.Locale;

import io.visionstreams.schema.ModelDescriptor;

/**
 * What pre- and post-processing need to know about a stylisation model, read from its descriptor
 * (model.json, task {@code stylization}) so that a retrained version needs no code change.
 *
 * @param sizeMultiple H and W the network accepts are multiples of this (4: two stride-2 convs)
 */
public record StyleSpec(String inputName, boolean bgr, float scale, float[] mean, float[] std, String weightsInput,
                        String outputName, float outputLow, float outputHigh, int sizeMultiple, List<String> styles) {

    public StyleSpec {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (one per channel)");
        }
        if (styles.isEmpty()) {
            throw new IllegalArgumentException("stylisation model declares no styles");
        }
        if (sizeMultiple < 1) {
            throw new IllegalArgumentException("sizeMultiple must be >= 1, got " + sizeMultiple);
        }
        styles = List.copyOf(styles);
    }

    public static StyleSpec from(ModelDescriptor d) {
        if (!ModelDescriptor.TASK_STYLIZATION.equals(d.task()) || d.stylization() == null) {
            throw new IllegalArgumentException("model " + d.name() + ":" + d.version() + " is a '" + d.task()
                    + "' model, not a stylization model");
        }
        ModelDescriptor.Input in = d.input();
        if (!"NCHW".equalsIgnoreCase(in.layout())) {
            throw new IllegalArgumentException("model " + d.name() + ": input layout " + in.layout() + " unsupported (NCHW only)");
        }
        String order = in.colorOrder().toUpperCase(Locale.ROOT);
        if (!order.equals("RGB") && !order.equals("BGR")) {
            throw new IllegalArgumentException("model " + d.name() + ": colorOrder must be RGB or BGR, got " + in.colorOrder());
        }
        ModelDescriptor.Stylization s = d.stylization();
        return new StyleSpec(in.name(), order.equals("BGR"), (float) in.scale(), floats(in.mean()), floats(in.std()),
                s.weightsInput(), s.output(), s.outputRange().get(0).floatValue(), s.outputRange().get(1).floatValue(),
                s.sizeMultiple(), s.styles());
    }

    private static float[] floats(List<Double> v) {
        float[] f = new float[v.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = v.get(i).floatValue();
        }
        return f;
    }
}
