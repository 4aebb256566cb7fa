package io.visionstreams.topology;

import java.util.List;

import io.visionstreams.imaging.Image;
import io.visionstreams.schema.GeometryKind;

/**
 * The matching port of {@link PatchMatchTopology}: two images in, point correspondences out (in
 * original pixel coordinates), with an optional 3x3 geometry. OpenCV ORB today, the CNN patch matcher
 * later, each behind a small adapter. Implementations must be safe to call from several threads.
 */
public interface PairMatcher extends AutoCloseable {

    /** @throws RuntimeException when matching fails; the record is then dead-lettered */
    Result match(Image a, Image b);

    /** Name, version and runtime written into every PatchMatches' ModelRef. */
    DisparityEstimator.Identity identity();

    @Override
    default void close() {
    }

    /** One correspondence: a point in image a, its match in image b, a score (higher is better). */
    record Match(float ax, float ay, float bx, float by, float score, boolean inlier) {
    }

    /**
     * @param geometryKind null when no geometry was estimated (or too few matches)
     * @param geometry     3x3 row-major, or null with {@code geometryKind}
     */
    record Result(List<Match> matches, GeometryKind geometryKind, double[] geometry, long preMicros,
                  long computeMicros, long postMicros) {
        public Result {
            matches = List.copyOf(matches);
            if ((geometryKind == null) != (geometry == null) || (geometry != null && geometry.length != 9)) {
                throw new IllegalArgumentException("geometry must be a 3x3 matrix with its kind, or both null");
            }
        }
    }
}
