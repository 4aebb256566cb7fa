package io.visionstreams.models.matching;

import java.util.List;
import java.util.Map;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorSpec;
import io.visionstreams.schema.ModelDescriptor;

/**
 * The two patch-network contracts (models/README.md, "Patch matching"): a descriptor model
 * ({@code patch-descriptor}: [N,1,n,n] → l2-normalised [N,D]) and a pair scorer
 * ({@code patch-matching}, 2-channel: [N,2,n,n] → [N,1], higher = more similar). Both run in batches
 * through an {@link InferenceSession}.
 */
public final class PatchModels {

    private PatchModels() {
    }

    /** Patch size and normalisation read from a model's descriptor. */
    public record PatchInput(String name, int size, float scale, float mean, float std) {

        static PatchInput of(ModelDescriptor d, String who) throws InferenceException {
            ModelDescriptor.Input in = d.input();
            if (in == null || !ModelDescriptor.GRAY.equals(in.colorOrder()) || in.width() != in.height()) {
                throw new InferenceException(who + ": patch models take square GRAY patches, descriptor input is " + in);
            }
            return new PatchInput(in.name(), in.width(), (float) in.scale(), first(in.mean()), first(in.std()));
        }

        private static float first(List<Double> v) {
            return v == null || v.isEmpty() ? 0f : v.get(0).floatValue();
        }
    }

    /** Descriptors of patches from a {@code patch-descriptor} model. */
    public static final class Descriptors {
        private final InferenceSession session;
        private final PatchInput input;
        private final String output;
        private final int batch;

        public Descriptors(ModelDescriptor d, InferenceSession session, int batch) throws InferenceException {
            String who = "model " + d.name() + ":" + d.version();
            if (!ModelDescriptor.TASK_PATCH_DESCRIPTOR.equals(d.task())) {
                throw new InferenceException(who + " has task '" + d.task() + "', matching needs a "
                        + ModelDescriptor.TASK_PATCH_DESCRIPTOR + " model (e.g. patch-siam-l2/1)");
            }
            this.input = PatchInput.of(d, who);
            this.output = d.outputs() == null ? null : d.outputs().descriptors();
            if (output == null || !session.outputs().containsKey(output)) {
                throw new InferenceException(who + ": descriptor output '" + output + "' is not in the graph "
                        + session.outputs().keySet());
            }
            checkInput(session, input, 1, who);
            this.session = session;
            this.batch = batch;
        }

        public PatchInput input() {
            return input;
        }

        /** Descriptors of n patches (n·size² values), row-major [n, D]; {@code dimOut[0]} receives D. */
        public float[] describe(float[] patches, int n, int[] dimOut) throws InferenceException {
            int area = input.size() * input.size();
            float[] out = null;
            int dim = 0;
            for (int start = 0; start < n; start += batch) {
                int m = Math.min(batch, n - start);
                float[] chunk = new float[m * area];
                System.arraycopy(patches, start * area, chunk, 0, m * area);
                Tensor t = Tensor.ofFloats(new long[] {m, 1, input.size(), input.size()}, chunk);
                Tensor r = session.run(Map.of(input.name(), t)).get(output);
                if (r.rank() != 2 || r.dim(0) != m) {
                    throw new InferenceException("descriptor output " + r + " is not [" + m + ", D]");
                }
                if (out == null) {
                    dim = (int) r.dim(1);
                    out = new float[n * dim];
                }
                System.arraycopy(r.floats(), 0, out, start * dim, m * dim);
            }
            dimOut[0] = dim;
            return out == null ? new float[0] : out;
        }
    }

    /** Similarity scores of patch pairs from a 2-channel {@code patch-matching} model. */
    public static final class PairScores {
        private final InferenceSession session;
        private final PatchInput input;
        private final String output;
        private final int batch;

        public PairScores(ModelDescriptor d, InferenceSession session, int batch) throws InferenceException {
            String who = "model " + d.name() + ":" + d.version();
            if (!ModelDescriptor.TASK_PATCH_MATCHING.equals(d.task())) {
                throw new InferenceException(who + " has task '" + d.task() + "', re-scoring needs a "
                        + ModelDescriptor.TASK_PATCH_MATCHING + " model (e.g. patch-2ch-avg/1)");
            }
            this.input = PatchInput.of(d, who);
            this.output = d.outputs() == null ? null : d.outputs().scores();
            if (output == null || !session.outputs().containsKey(output)) {
                throw new InferenceException(who + ": score output '" + output + "' is not in the graph "
                        + session.outputs().keySet());
            }
            checkInput(session, input, 2, who);
            this.session = session;
            this.batch = batch;
        }

        public PatchInput input() {
            return input;
        }

        /** Score of each pair (pa[k], pb[k]) of patch indices into patchesA / patchesB. */
        public float[] score(float[] patchesA, float[] patchesB, int[] pa, int[] pb) throws InferenceException {
            int area = input.size() * input.size();
            float[] out = new float[pa.length];
            for (int start = 0; start < pa.length; start += batch) {
                int m = Math.min(batch, pa.length - start);
                float[] chunk = new float[m * 2 * area];
                for (int k = 0; k < m; k++) {
                    // channel 0 = A, channel 1 = B
                    System.arraycopy(patchesA, pa[start + k] * area, chunk, 2 * k * area, area);
                    System.arraycopy(patchesB, pb[start + k] * area, chunk, (2 * k + 1) * area, area);
                }
                Tensor t = Tensor.ofFloats(new long[] {m, 2, input.size(), input.size()}, chunk);
                Tensor r = session.run(Map.of(input.name(), t)).get(output);
                if (r.dim(0) != m || r.floats().length != m) {
                    throw new InferenceException("score output " + r + " is not [" + m + ", 1]");
                }
                System.arraycopy(r.floats(), 0, out, start, m);
            }
            return out;
        }
    }

    private static void checkInput(InferenceSession session, PatchInput input, int channels, String who)
            throws InferenceException {
        TensorSpec spec = session.inputs().get(input.name());
        if (spec == null) {
            throw new InferenceException(who + ": descriptor input '" + input.name() + "' is not in the graph "
                    + session.inputs().keySet());
        }
        long[] s = spec.shape();
        if (s.length != 4 || (s[1] != channels && s[1] != -1) || (s[2] != input.size() && s[2] != -1)
                || (s[3] != input.size() && s[3] != -1)) {
            throw new InferenceException(who + ": graph input " + spec + " is not [N," + channels + "," + input.size()
                    + "," + input.size() + "]");
        }
    }
}
