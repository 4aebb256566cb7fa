package io.visionstreams.models.data;

/** Something that hands out labelled patch-pair batches: a generator, or a reader over a pair list. */
public interface PatchPairSource {

    PatchBatch next(int n);
}
