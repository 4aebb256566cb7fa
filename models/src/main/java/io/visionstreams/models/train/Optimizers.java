package io.visionstreams.models.train;

import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OptimizerParamGroupVector;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.TensorVector;

/**
 * libtorch optimisers with the recipes' options (training-recipes.md §2). libtorch's SGD is
 * v ← μv + g, θ ← θ − ηv (Nesterov: θ ← θ − η(g + μv)); weight decay adds λθ to the gradient.
 * Adam is bias-corrected with ε outside the square root.
 */
public final class Optimizers {

    private Optimizers() {
    }

    public static SGD sgd(TensorVector params, double lr, double momentum, boolean nesterov, double weightDecay) {
        if (nesterov && momentum <= 0) {
            throw new IllegalArgumentException("Nesterov needs momentum > 0");
        }
        SGDOptions o = new SGDOptions(lr);
        o.momentum().put(momentum);
        o.nesterov().put(nesterov);
        o.weight_decay().put(weightDecay);
        return new SGD(params, o);
    }

    public static Adam adam(TensorVector params, double lr, double weightDecay) {
        AdamOptions o = new AdamOptions(lr);
        o.weight_decay().put(weightDecay);
        return new Adam(params, o);
    }

    /** Sets the learning rate of every parameter group (schedules call this before each step). */
    public static void setLr(Optimizer opt, double lr) {
        OptimizerParamGroupVector groups = opt.param_groups();
        for (long i = 0; i < groups.size(); i++) {
            groups.get(i).options().set_lr(lr);
        }
    }

    public static double lr(Optimizer opt) {
        return opt.param_groups().get(0).options().get_lr();
    }
}
