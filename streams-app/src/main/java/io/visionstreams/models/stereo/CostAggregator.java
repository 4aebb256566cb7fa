package io.visionstreams.models.stereo;

/**
 * Turns a matching-cost volume into an aggregated one of the same shape, from which disparities are
 * chosen by winner-take-all. An interface so that a GPU implementation can replace the CPU one
 * without touching feature extraction or disparity selection.
 */
public interface CostAggregator {

    /** Short name for logs and benchmark tables. */
    String name();

    /**
     * @param cost   the matching cost (not modified)
     * @param guide  the left image as gray bytes at the volume's resolution (for contrast-sensitive
     *               smoothness; implementations may ignore it)
     * @param out    receives the aggregated cost; same shape as {@code cost}, may hold garbage on entry
     */
    void aggregate(CostVolume cost, byte[] guide, CostVolume out, RowParallel parallel);
}
