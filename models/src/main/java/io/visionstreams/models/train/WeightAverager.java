package io.visionstreams.models.train;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * ASGD-style Polyak averaging of a module's parameters (training-recipes.md §2.3): after each
 * optimiser step, θ̄ ← θ̄ + μ_t(θ − θ̄) with μ_t = 1/max(1, t − t0). So θ̄ tracks θ until step t0 + 1
 * and is then the arithmetic mean of the iterates θ_{t0+1}, …, θ_t. The thesis's "ASGD with
 * momentum" is reproduced as SGD with momentum plus this separate average.
 *
 * <p>Evaluation and export use θ̄: {@link #swapIn()} copies it into the module (keeping the live
 * weights aside) and {@link #swapOut()} restores them. Create it outside any per-step PointerScope:
 * its tensors are long-lived.
 */
public final class WeightAverager {

    private final TensorVector paramVector; // keeps the handles alive
    private final List<Tensor> params = new ArrayList<>();
    private final List<Tensor> avg = new ArrayList<>();
    private final List<Tensor> backup = new ArrayList<>();
    private final long t0;
    private long t;
    private boolean swapped;

    public WeightAverager(Module m, long t0) {
        this.t0 = t0;
        this.paramVector = m.parameters(true);
        try (NoGradGuard g = new NoGradGuard()) {
            for (long i = 0; i < paramVector.size(); i++) {
                Tensor p = paramVector.get(i);
                params.add(p);
                avg.add(p.detach().clone());
                backup.add(p.detach().clone());
            }
        }
    }

    /** Number of {@link #update()} calls so far. */
    public long steps() {
        return t;
    }

    public long t0() {
        return t0;
    }

    /** Call once after every optimiser step. */
    public void update() {
        if (swapped) {
            throw new IllegalStateException("update() while the average is swapped in");
        }
        t++;
        double mu = 1.0 / Math.max(1, t - t0);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                if (mu == 1.0) {
                    avg.get(i).copy_(params.get(i));
                } else {
                    avg.get(i).lerp_(params.get(i), new Scalar(mu));
                }
            }
        }
    }

    /** The averaged value of parameter i (a live handle: do not modify). */
    public Tensor average(int i) {
        return avg.get(i);
    }

    public int size() {
        return avg.size();
    }

    /** Puts θ̄ into the module; the live weights are kept for {@link #swapOut()}. */
    public void swapIn() {
        if (swapped) {
            return;
        }
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                backup.get(i).copy_(params.get(i));
                params.get(i).copy_(avg.get(i));
            }
        }
        swapped = true;
    }

    public void swapOut() {
        if (!swapped) {
            return;
        }
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).copy_(backup.get(i));
            }
        }
        swapped = false;
    }

    public boolean swapped() {
        return swapped;
    }

    public void save(OutputArchive a) {
        for (int i = 0; i < avg.size(); i++) {
            a.write("avg." + i, avg.get(i));
        }
        a.write("t", new Tensor(org.bytedeco.pytorch.global.torch.scalar_tensor(new Scalar((double) t))));
    }

    public void load(InputArchive a) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < avg.size(); i++) {
                Tensor tmp = new Tensor();
                a.read("avg." + i, tmp);
                avg.get(i).copy_(tmp);
            }
            Tensor tt = new Tensor();
            a.read("t", tt);
            t = (long) tt.item_double();
        }
    }
}
