package io.visionstreams.models.stereo;

import java.util.Map;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorSpec;
import io.visionstreams.schema.ModelDescriptor;

/**
 * Dense matching features of a rectified gray pair through the inference SPI, for a model of task
 * {@code stereo-features} (zoo {@code stereo-cost/2}, {@code stereo-cost/1}): input [N,1,H,W] = (gray·scale − mean)/std as
 * model.json says, output [N,C,H,W] unit-length features. Left and right go in one batch of 2 when the
 * graph's batch dimension is dynamic, else one run each.
 *
 * <p>The zoo model is fully convolutional with output stride 1 and "same" padding, so any H and W work
 * and the feature map has the image's size; a model whose output size differs is refused with a clear
 * error rather than silently misaligning the cost volume.
 */
public final class StereoFeatureExtractor {

    /** Features of both views, each [C][H][W] row-major. */
    public record Features(int channels, int width, int height, float[] left, float[] right) {
    }

    private final InferenceSession session;
    private final String inputName;
    private final String outputName;
    private final float scale;
    private final float mean;
    private final float invStd;
    private final boolean batchOfTwo;

    public StereoFeatureExtractor(InferenceSession session, ModelDescriptor descriptor) {
        if (!ModelDescriptor.TASK_STEREO_FEATURES.equals(descriptor.task())) {
            throw new IllegalArgumentException("model " + descriptor.name() + ":" + descriptor.version() + " has task '"
                    + descriptor.task() + "', stereo needs '" + ModelDescriptor.TASK_STEREO_FEATURES + "'");
        }
        ModelDescriptor.Input in = descriptor.input();
        if (!ModelDescriptor.GRAY.equals(in.colorOrder())) {
            throw new IllegalArgumentException("stereo features need a GRAY input, model says " + in.colorOrder());
        }
        this.session = session;
        this.inputName = in.name();
        this.outputName = descriptor.outputs() == null ? null : descriptor.outputs().features();
        if (outputName == null || !session.outputs().containsKey(outputName)) {
            throw new IllegalArgumentException("model " + descriptor.name() + " has no features output '" + outputName
                    + "' (outputs " + session.outputs().keySet() + ")");
        }
        TensorSpec spec = session.inputs().get(inputName);
        if (spec == null || spec.shape().length != 4) {
            throw new IllegalArgumentException("model " + descriptor.name() + " needs a 4-d input '" + inputName
                    + "', has " + session.inputs().values());
        }
        this.scale = (float) in.scale();
        this.mean = (float) (in.mean() == null || in.mean().isEmpty() ? 0.0 : in.mean().get(0));
        this.invStd = (float) (1.0 / (in.std() == null || in.std().isEmpty() ? 1.0 : in.std().get(0)));
        long n = spec.shape()[0];
        this.batchOfTwo = n < 0 || n >= 2;
    }

    public boolean batchOfTwo() {
        return batchOfTwo;
    }

    /** Network input values of one gray image, in [H][W] order. */
    public void preprocess(byte[] gray, float[] out, int offset) {
        for (int i = 0; i < gray.length; i++) {
            out[offset + i] = ((gray[i] & 0xFF) * scale - mean) * invStd;
        }
    }

    public Features compute(byte[] leftGray, byte[] rightGray, int w, int h) throws InferenceException {
        int plane = w * h;
        if (leftGray.length != plane || rightGray.length != plane) {
            throw new IllegalArgumentException("gray images must be " + w + "x" + h);
        }
        if (batchOfTwo) {
            float[] x = new float[2 * plane];
            preprocess(leftGray, x, 0);
            preprocess(rightGray, x, plane);
            Tensor f = run(x, 2, w, h);
            int c = (int) f.dim(1);
            float[] all = f.floats();
            float[] l = java.util.Arrays.copyOfRange(all, 0, c * plane);
            float[] r = java.util.Arrays.copyOfRange(all, c * plane, 2 * c * plane);
            return new Features(c, w, h, l, r);
        }
        float[] x = new float[plane];
        preprocess(leftGray, x, 0);
        Tensor fl = run(x, 1, w, h);
        preprocess(rightGray, x, 0);
        Tensor fr = run(x, 1, w, h);
        return new Features((int) fl.dim(1), w, h, fl.floats(), fr.floats());
    }

    private Tensor run(float[] x, int n, int w, int h) throws InferenceException {
        Map<String, Tensor> out = session.run(Map.of(inputName, Tensor.ofFloats(new long[] {n, 1, h, w}, x)));
        Tensor f = out.get(outputName);
        if (f == null || f.rank() != 4 || f.dim(0) != n || f.dim(2) != h || f.dim(3) != w) {
            throw new InferenceException("model " + session.modelName() + ":" + session.modelVersion() + " returned "
                    + f + " for a " + n + "x1x" + h + "x" + w + " input; stereo needs features of the input's size "
                    + "(output stride 1)");
        }
        return f;
    }
}
