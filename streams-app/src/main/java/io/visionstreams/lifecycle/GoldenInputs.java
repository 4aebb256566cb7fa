package io.visionstreams.lifecycle;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorSpec;
import io.visionstreams.schema.ModelDescriptor;

/**
 * The golden input of a release: one sample per model input, deterministic for a seed, so an instance that
 * loaded the release can run it and compare with the publisher's output.
 *
 * <p>The image input is a random image (uniform pixels 0..255) preprocessed the way model.json says, so its
 * values lie where real frames put them. Dynamic image dimensions take the descriptor's size (a detector
 * gets 1×3×H×W at its input size); a stylisation network, which takes any size, gets a 64×64 image and a
 * one-hot style weight for its first style. Batch is always 1.
 */
public final class GoldenInputs {

    /** Side of the golden image for networks without a fixed size (stylisation). */
    static final int STYLIZATION_SIDE = 64;

    private GoldenInputs() {
    }

    public static Map<String, Tensor> of(ModelDescriptor d, Map<String, TensorSpec> inputs, long seed) throws InferenceException {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        // sorted by name: the order of the session's map is not specified, and the draws must not depend on it
        for (String name : inputs.keySet().stream().sorted().toList()) {
            TensorSpec spec = inputs.get(name);
            if (spec.type() != Tensor.Type.FLOAT32) {
                throw new InferenceException("golden input: input '" + name + "' is " + spec.type()
                        + "; only float32 inputs can be generated");
            }
            if (name.equals(d.input().name())) {
                long[] shape = imageShape(d, spec);
                out.put(name, Tensor.ofFloats(shape, image(d, shape, random)));
            } else if (d.stylization() != null && name.equals(d.stylization().weightsInput())) {
                int styles = d.stylization().styles().size();
                float[] w = new float[styles];
                w[0] = 1f;
                out.put(name, Tensor.ofFloats(new long[] {1, styles}, w));
            } else {
                throw new InferenceException("golden input: model.json does not say what input '" + name + "' is (inputs: "
                        + inputs.keySet() + ")");
            }
        }
        return out;
    }

    /** Runs the session on the golden input: every output as floats (int outputs converted). */
    public static Map<String, float[]> outputs(InferenceSession session, Map<String, Tensor> inputs,
                                               Map<String, long[]> shapesOut) throws InferenceException {
        Map<String, Tensor> result = session.run(inputs);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : result.keySet().stream().sorted().toList()) {
            Tensor t = result.get(name);
            float[] f;
            if (t.type() == Tensor.Type.FLOAT32) {
                f = t.floats().clone();
            } else {
                int[] ints = t.ints();
                f = new float[ints.length];
                for (int i = 0; i < ints.length; i++) {
                    f[i] = ints[i];
                }
            }
            out.put(name, f);
            shapesOut.put(name, t.shape());
        }
        return out;
    }

    static long[] imageShape(ModelDescriptor d, TensorSpec spec) throws InferenceException {
        long[] s = spec.shape();
        if (s.length != 4 || !"NCHW".equals(d.input().layout())) {
            throw new InferenceException("golden input: image input '" + spec.name() + "' must be NCHW of rank 4, graph has "
                    + Arrays.toString(s));
        }
        int channels = ModelDescriptor.GRAY.equals(d.input().colorOrder()) ? 1 : 3;
        boolean anySize = d.stylization() != null;
        long[] want = {1, channels, anySize ? STYLIZATION_SIDE : d.input().height(), anySize ? STYLIZATION_SIDE : d.input().width()};
        long[] shape = new long[4];
        for (int i = 0; i < 4; i++) {
            if (s[i] >= 0 && i > 0 && s[i] != want[i] && !(anySize && i >= 2)) {
                throw new InferenceException("golden input: graph input " + spec + " disagrees with model.json ("
                        + Arrays.toString(want) + ")");
            }
            shape[i] = i == 0 ? 1 : s[i] >= 0 ? s[i] : want[i];
        }
        return shape;
    }

    private static float[] image(ModelDescriptor d, long[] shape, SplittableRandom random) {
        ModelDescriptor.Input in = d.input();
        int c = (int) shape[1];
        int plane = (int) (shape[2] * shape[3]);
        float[] x = new float[c * plane];
        List<Double> mean = in.mean();
        List<Double> std = in.std();
        for (int ch = 0; ch < c; ch++) {
            double m = mean.get(Math.min(ch, mean.size() - 1));
            double sd = std.get(Math.min(ch, std.size() - 1));
            for (int i = 0; i < plane; i++) {
                int pixel = random.nextInt(256);
                x[ch * plane + i] = (float) ((pixel * in.scale() - m) / sd);
            }
        }
        return x;
    }
}
