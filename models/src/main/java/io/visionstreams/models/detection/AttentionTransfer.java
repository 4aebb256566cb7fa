package io.visionstreams.models.detection;

import java.util.List;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * Activation-based attention transfer (Zagoruyko & Komodakis; models-detection.md §5.2), at the outputs of
 * the three backbone groups (teacher and student reach the same strides, so the maps have equal size).
 *
 * <p>Map: Q = vec(F_sum²(A)) computed as the channel mean of squares (= F_sum²/C, identical after
 * normalisation), l2-normalised per sample. Convention (the authors' code, fixed here):
 * L_AT = β·Σ_j mean_{b,x}((Q_S^j − Q_T^j)²) with β = 10³, which is the thesis's per-layer weight
 * β_j = 10³/(H_j·W_j · batch) applied to the <em>squared</em> l2 distance summed over the batch.
 * The teacher runs in eval mode without gradients.
 */
public final class AttentionTransfer {

    public static final double BETA = 1e3;

    private AttentionTransfer() {
    }

    /** [B,C,H,W] → l2-normalised [B,H·W]. */
    public static Tensor map(Tensor a) {
        Tensor q = a.pow(new Scalar(2.0)).mean(new long[] {1}, false, new ScalarTypeOptional()).flatten(1, -1);
        Tensor norm = q.pow(new Scalar(2.0)).sum(new long[] {1}, true, new ScalarTypeOptional()).sqrt()
                .clamp_min(new Scalar(1e-12));
        return q.div(norm);
    }

    public static Tensor loss(List<Tensor> student, List<Tensor> teacher, double beta) {
        Tensor total = null;
        for (int j = 0; j < student.size(); j++) {
            Tensor d = map(student.get(j)).sub(map(teacher.get(j)).detach()).pow(new Scalar(2.0)).mean();
            total = total == null ? d : total.add(d);
        }
        return total.mul(new Scalar(beta));
    }
}
