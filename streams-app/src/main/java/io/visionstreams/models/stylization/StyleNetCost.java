package io.visionstreams.models.stylization;

/**
 * Multiply-accumulates of the Johnson-style stylisation network (shared/docs/models-stylisation.md
 * §1.1: 9x9 conv, two stride-2 3x3 convs, five residual blocks of two 3x3 convs, two nearest-x2 + 3x3
 * convs, 9x9 conv to RGB) at a network input size, counting the convolutions only (normalisation,
 * ReLU, tanh and adds are a few operations per value, under 1% of the total). It follows the layer
 * table, not the ONNX graph: a model with another architecture needs its own count.
 */
public final class StyleNetCost {

    private StyleNetCost() {
    }

    /**
     * @param width       network input width (a multiple of 4)
     * @param height      network input height (a multiple of 4)
     * @param widthFactor descriptor {@code stylization.width}: filters 16/32/64 times this
     */
    public static long convMacs(int width, int height, int widthFactor) {
        if (width % 4 != 0 || height % 4 != 0 || width <= 0 || height <= 0 || widthFactor < 1) {
            throw new IllegalArgumentException("need a positive size that is a multiple of 4 and width factor >= 1, got "
                    + width + "x" + height + " x" + widthFactor);
        }
        long full = (long) width * height;
        long half = full / 4;
        long quarter = full / 16;
        long c1 = 16L * widthFactor;
        long c2 = 32L * widthFactor;
        long c3 = 64L * widthFactor;
        long macs = 0;
        macs += 81 * 3 * c1 * full;         // 9x9 conv, full resolution
        macs += 9 * c1 * c2 * half;         // 3x3 stride 2
        macs += 9 * c2 * c3 * quarter;      // 3x3 stride 2
        macs += 10 * 9 * c3 * c3 * quarter; // five residual blocks, two 3x3 convs each
        macs += 9 * c3 * c2 * half;         // nearest x2, 3x3
        macs += 9 * c2 * c1 * full;         // nearest x2, 3x3
        macs += 81 * c1 * 3 * full;         // 9x9 conv to RGB
        return macs;
    }

    /** Floating-point operations (2 per multiply-accumulate) of one frame at a network input size. */
    public static long convFlops(int width, int height, int widthFactor) {
        return 2 * convMacs(width, height, widthFactor);
    }
}
