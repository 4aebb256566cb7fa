package io.visionstreams.models.patch;

import java.util.SplittableRandom;

import io.visionstreams.models.data.PatchBatch;

/**
 * Pair augmentation (models-patch-stereo.md §6.4): one of {identity, rot90, rot180, rot−90, hflip,
 * vflip} drawn uniformly and applied to BOTH patches, then the two patches swap order with p = 0.5.
 * Works on any source's batches (square patches of any size).
 */
public final class PairAugment {

    private PairAugment() {
    }

    public static PatchBatch apply(PatchBatch in, SplittableRandom rnd) {
        float[] a = new float[in.a().length];
        float[] b = new float[in.b().length];
        int s = in.size();
        for (int i = 0; i < in.n(); i++) {
            int t = rnd.nextInt(6);
            int off = i * s * s;
            boolean swap = rnd.nextBoolean();
            transform(swap ? in.b() : in.a(), off, a, t, s);
            transform(swap ? in.a() : in.b(), off, b, t, s);
        }
        return new PatchBatch(a, b, in.labels().clone(), in.n(), s);
    }

    static void transform(float[] src, int off, float[] dst, int t, int S) {
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                int sx;
                int sy;
                switch (t) {
                    case 1 -> { sx = y; sy = S - 1 - x; }          // rot 90
                    case 2 -> { sx = S - 1 - x; sy = S - 1 - y; }  // rot 180
                    case 3 -> { sx = S - 1 - y; sy = x; }          // rot -90
                    case 4 -> { sx = S - 1 - x; sy = y; }          // hflip
                    case 5 -> { sx = x; sy = S - 1 - y; }          // vflip
                    default -> { sx = x; sy = y; }
                }
                dst[off + y * S + x] = src[off + sy * S + sx];
            }
        }
    }
}
