package io.visionstreams.models.patch;

/**
 * n patch pairs, 64×64 grayscale in [0, 1], row-major; label +1 = match, −1 = non-match.
 * Plain arrays so that data generators need no libtorch.
 */
public record PatchBatch(int n, float[] a, float[] b, float[] labels) {

    public static final int PIXELS = PatchOps.SIZE * PatchOps.SIZE;

    public PatchBatch {
        if (a.length != n * PIXELS || b.length != n * PIXELS || labels.length != n) {
            throw new IllegalArgumentException("arrays do not hold " + n + " pairs of 64x64 patches");
        }
    }
}
