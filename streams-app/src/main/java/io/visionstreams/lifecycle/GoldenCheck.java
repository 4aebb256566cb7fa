package io.visionstreams.lifecycle;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorSpec;

/**
 * The golden-input / golden-output check of a release, as plain functions: the trainer ran the golden
 * input through the model it published and recorded the outputs; the instance runs the same input
 * through what it loaded and compares. A wrong graph, wrong weights or a descriptor that mislabels the
 * outputs shows up here before the version serves a single record.
 */
public final class GoldenCheck {

    /**
     * Allowed difference as a fraction of each expected output's value range (max − min): loose enough
     * for another runtime, thread count or CPU, tight enough that other weights fail.
     */
    public static final double DEFAULT_TOLERANCE = 0.01;

    private GoldenCheck() {
    }

    /**
     * The golden input as model inputs. Shapes are taken as written; a shape one rank short of the
     * graph's input (no batch dimension) gets a batch of 1.
     *
     * @throws IllegalArgumentException when an input of the model is missing or a shape does not fit its data
     */
    public static Map<String, Tensor> inputs(Map<String, long[]> shapes, Map<String, float[]> data,
                                             Map<String, TensorSpec> modelInputs) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec spec : modelInputs.values()) {
            float[] values = data.get(spec.name());
            long[] shape = shapes.get(spec.name());
            if (values == null || shape == null) {
                throw new IllegalArgumentException("golden input has no tensor '" + spec.name() + "' (has "
                        + data.keySet() + ")");
            }
            if (shape.length == spec.shape().length - 1) {
                long[] batched = new long[shape.length + 1];
                batched[0] = 1;
                System.arraycopy(shape, 0, batched, 1, shape.length);
                shape = batched;
            }
            out.put(spec.name(), Tensor.ofFloats(shape, values));
        }
        return out;
    }

    /**
     * Compares each expected output with the actual one.
     *
     * @return null when every expected output has the same shape and is within {@code tolerance} of its
     *         value range everywhere; otherwise one line saying where and by how much it differs
     */
    public static String mismatch(Map<String, Tensor> actual, Map<String, long[]> expectedShapes,
                                  Map<String, float[]> expected, double tolerance) {
        if (expected.isEmpty()) {
            return "golden output has no tensors";
        }
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            String name = e.getKey();
            Tensor a = actual.get(name);
            if (a == null) {
                return "the model has no output '" + name + "' (outputs: " + actual.keySet() + ")";
            }
            float[] want = e.getValue();
            float[] got = a.floats();
            long[] shape = expectedShapes.get(name);
            if (shape != null && !sameShape(shape, a.shape())) {
                return "output '" + name + "' has shape " + Arrays.toString(a.shape()) + ", golden "
                        + Arrays.toString(shape);
            }
            if (got.length != want.length) {
                return "output '" + name + "' has " + got.length + " values, golden " + want.length;
            }
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : want) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            // a constant output gets an absolute floor instead of a zero-width band
            double allowed = tolerance * Math.max(max - min, 1e-3);
            int worst = -1;
            double worstDiff = 0;
            for (int i = 0; i < want.length; i++) {
                double d = Math.abs((double) got[i] - want[i]);
                if (Double.isNaN(d)) { // NaN is the worst there is
                    worstDiff = d;
                    worst = i;
                    break;
                }
                if (d > worstDiff) {
                    worstDiff = d;
                    worst = i;
                }
            }
            if (worst >= 0 && !(worstDiff <= allowed)) {
                return String.format(java.util.Locale.ROOT,
                        "output '%s' differs by %.4g at index %d (got %.6g, golden %.6g; allowed %.3g = %.2g of the range %.4g)",
                        name, worstDiff, worst, got[worst], want[worst], allowed, tolerance, (double) (max - min));
            }
        }
        return null;
    }

    /** {@code n} copies of a batch-of-one input stacked into one batch: the warm-up at the serving batch size. */
    public static Map<String, Tensor> tile(Map<String, Tensor> single, int n) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : single.entrySet()) {
            Tensor t = e.getValue();
            long[] shape = t.shape();
            float[] one = t.floats();
            float[] many = new float[Math.multiplyExact(one.length, n)];
            for (int i = 0; i < n; i++) {
                System.arraycopy(one, 0, many, i * one.length, one.length);
            }
            shape[0] = shape[0] * n;
            out.put(e.getKey(), Tensor.ofFloats(shape, many));
        }
        return out;
    }

    private static boolean sameShape(long[] golden, long[] actual) {
        if (Arrays.equals(golden, actual)) {
            return true;
        }
        // a golden written without the batch dimension matches a batch of one
        return actual.length == golden.length + 1 && actual[0] == 1
                && Arrays.equals(golden, Arrays.copyOfRange(actual, 1, actual.length));
    }
}
