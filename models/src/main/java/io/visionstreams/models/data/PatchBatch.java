package io.visionstreams.models.data;

/**
 * n pairs of size×size grayscale patches, values in [0, 1], each array laid out [n][size][size]
 * (row-major, i.e. NCHW with C = 1). labels[i] is +1 for a match and −1 for a non-match
 * (models-patch-stereo.md §1); per-patch mean subtraction is left to the network's input transform.
 */
public record PatchBatch(float[] a, float[] b, float[] labels, int n, int size) {

    public PatchBatch {
        int len = n * size * size;
        if (a.length != len || b.length != len || labels.length != n) {
            throw new IllegalArgumentException("PatchBatch arrays do not match n=" + n + ", size=" + size);
        }
    }
}
