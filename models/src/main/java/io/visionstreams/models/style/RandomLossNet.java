package io.visionstreams.models.style;

import static org.bytedeco.pytorch.global.torch.avg_pool2d;
import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.relu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/**
 * Loss network built offline (models-stylisation.md §8, option 1): fixed random-weight convolutions at
 * four scales. Stage k = (avg-pool ×2 for k > 0) → 3×3 conv (zero pad 1, no bias) → ReLU; the style
 * term uses the Gram matrices of all four stages, the content term stage 2 (1/2 resolution) plus a
 * pixel-space term at 1/4 resolution, because random features alone keep structure poorly.
 *
 * <p>Weights are N(0, 2/fan_in) drawn from {@link java.util.Random} with the given seed, so the
 * network is reproducible from (version, seed) alone, independently of libtorch's RNG. It is never
 * trained or exported; the model metadata records {@link #identity()}.
 */
public final class RandomLossNet {

    public static final String VERSION = "randconv-v1";
    static final int[] CHANNELS = {32, 64, 64, 128};
    static final int CONTENT_STAGE = 1;

    private final long seed;
    private final List<Tensor> weights = new ArrayList<>();

    public RandomLossNet(long seed) {
        this.seed = seed;
        Random rnd = new Random(seed);
        int in = 3;
        for (int out : CHANNELS) {
            int fanIn = in * 9;
            float[] w = new float[out * fanIn];
            double std = Math.sqrt(2.0 / fanIn);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rnd.nextGaussian() * std);
            }
            weights.add(StyleImages.tensor(w, out, in, 3, 3)); // constants: no gradient is needed for them
            in = out;
        }
    }

    public String identity() {
        return VERSION + " seed " + seed + " (3x3 random convs, channels 32/64/64/128 at scales 1, 1/2, 1/4, 1/8,"
                + " ReLU, no bias; style: Gram/(HW) of all four stages; content: stage 2 + pixels at 1/4)";
    }

    public long seed() {
        return seed;
    }

    /** The four stage activations for [N,3,H,W] network-space images. */
    public List<Tensor> features(Tensor x) {
        List<Tensor> out = new ArrayList<>();
        Tensor y = x;
        for (int k = 0; k < weights.size(); k++) {
            if (k > 0) {
                y = avg_pool2d(y, 2, 2);
            }
            y = relu(conv2d(y, weights.get(k), new TensorOptional(), new long[] {1, 1}, new long[] {1, 1},
                    new long[] {1, 1}, 1));
            out.add(y);
        }
        return out;
    }

    /** Gram G = FᵀF / (H·W) per sample: [N, C, C] (the /(HW) normalisation of §5). */
    public static Tensor gram(Tensor f) {
        long n = f.size(0);
        long c = f.size(1);
        long hw = f.size(2) * f.size(3);
        Tensor flat = f.reshape(n, c, hw);
        return flat.bmm(flat.transpose(1, 2)).div(new org.bytedeco.pytorch.Scalar((double) hw));
    }

    public List<Tensor> grams(Tensor x) {
        List<Tensor> g = new ArrayList<>();
        for (Tensor f : features(x)) {
            g.add(gram(f));
        }
        return g;
    }

    /**
     * Per-sample style loss [N]: Σ_layers mean_{i,j} (G_p − G_s)², i.e. the 1/C² weighting of §5 with
     * equal layer weights. {@code targets} are [N, C, C] per layer.
     */
    public static Tensor styleLoss(List<Tensor> gramsP, List<Tensor> targets) {
        Tensor total = null;
        for (int l = 0; l < gramsP.size(); l++) {
            Tensor d = gramsP.get(l).sub(targets.get(l)).square().mean(new long[] {1, 2}, false, new ScalarTypeOptional());
            total = total == null ? d : total.add(d);
        }
        return total;
    }

    /** Per-sample content loss [N]: feature MSE at stage 2 + pixel MSE at 1/4 resolution. */
    public Tensor contentLoss(Tensor p, Tensor c, List<Tensor> featsP, List<Tensor> featsC) {
        long[] all = {1, 2, 3};
        Tensor feat = featsP.get(CONTENT_STAGE).sub(featsC.get(CONTENT_STAGE)).square().mean(all, false, new ScalarTypeOptional());
        Tensor pix = avg_pool2d(p, 4, 4).sub(avg_pool2d(c, 4, 4)).square().mean(all, false, new ScalarTypeOptional());
        return feat.add(pix);
    }

    /** Total variation (β = 2) per sample [N], as a MEAN of squared differences so it does not scale with size. */
    public static Tensor tv(Tensor p) {
        long h = p.size(2);
        long w = p.size(3);
        long[] all = {1, 2, 3};
        Tensor dy = p.narrow(2, 1, h - 1).sub(p.narrow(2, 0, h - 1)).square().mean(all, false, new ScalarTypeOptional());
        Tensor dx = p.narrow(3, 1, w - 1).sub(p.narrow(3, 0, w - 1)).square().mean(all, false, new ScalarTypeOptional());
        return dy.add(dx);
    }
}
