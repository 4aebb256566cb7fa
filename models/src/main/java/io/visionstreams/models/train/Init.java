package io.visionstreams.models.train;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.Tensor;

/**
 * Weight initialisation (training-recipes.md §5). libtorch's default is kaiming-uniform with a = √5
 * (bound 1/√fan_in), not He-normal, so recipes that ask for He must apply it explicitly.
 * Draws use libtorch's global generator: call manual_seed first for reproducible weights.
 */
public final class Init {

    public enum Scheme { HE_FAN_IN, HE_FAN_OUT, XAVIER }

    private Init() {
    }

    /** fan_in = C_in·k², fan_out = C_out·k² (linear: in, out). */
    public static long[] fans(Tensor w) {
        long[] s = w.sizes().vec().get();
        if (s.length < 2) {
            throw new IllegalArgumentException("fans need a weight with at least 2 dims");
        }
        long receptive = 1;
        for (int i = 2; i < s.length; i++) {
            receptive *= s[i];
        }
        return new long[] {s[1] * receptive, s[0] * receptive};
    }

    public static double std(Scheme scheme, long fanIn, long fanOut) {
        return switch (scheme) {
            case HE_FAN_IN -> Math.sqrt(2.0 / fanIn);
            case HE_FAN_OUT -> Math.sqrt(2.0 / fanOut);
            case XAVIER -> Math.sqrt(2.0 / (fanIn + fanOut));
        };
    }

    public static void normal(Tensor w, Scheme scheme) {
        long[] f = fans(w);
        try (NoGradGuard g = new NoGradGuard()) {
            w.normal_(0.0, std(scheme, f[0], f[1]), new GeneratorOptional());
        }
    }

    /** Every parameter named *weight with ≥ 2 dims gets {@code scheme}; every *bias is zeroed. */
    public static void apply(Module m, Scheme scheme) {
        StringTensorDict params = m.named_parameters(true);
        try (NoGradGuard g = new NoGradGuard()) {
            for (long i = 0; i < params.size(); i++) {
                StringTensorDictItem it = params.get(i);
                String name = it.key().getString();
                Tensor t = it.value();
                if (name.endsWith("bias")) {
                    t.zero_();
                } else if (name.endsWith("weight") && t.sizes().vec().get().length >= 2) {
                    normal(t, scheme);
                }
            }
        }
    }
}
