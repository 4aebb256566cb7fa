package io.visionstreams.models.patch;

/** Where training and validation pairs come from; the real generator (models.data) implements this. */
public interface PatchPairSource {

    /** The next batch: about half matches and half non-matches. */
    PatchBatch next(int batchSize);
}
