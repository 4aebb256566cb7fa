package io.visionstreams.models.matching;

import java.util.Locale;

/**
 * Estimated two-view geometry: a homography (B ≅ H·A) or a fundamental matrix (bᵀ·F·a = 0), 3×3
 * row-major, as the Avro {@code PatchMatches.geometry} record carries it.
 */
public record Geometry(Kind kind, double[] matrix) {

    /** What to estimate; NONE skips RANSAC and leaves every match an inlier. */
    public enum Kind {
        NONE, HOMOGRAPHY, FUNDAMENTAL;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown geometry '" + s + "': use homography, fundamental or none");
            }
        }
    }

    public Geometry {
        if (kind == Kind.NONE) {
            throw new IllegalArgumentException("a geometry has kind HOMOGRAPHY or FUNDAMENTAL");
        }
        if (matrix == null || matrix.length != 9) {
            throw new IllegalArgumentException("geometry matrix must have 9 entries");
        }
        matrix = matrix.clone();
    }

    @Override
    public double[] matrix() {
        return matrix.clone();
    }
}
