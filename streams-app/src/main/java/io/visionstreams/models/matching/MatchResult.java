package io.visionstreams.models.matching;

import java.util.List;

/**
 * Correspondences between images A and B, in original pixel coordinates, with the field meanings of
 * the Avro {@code PatchMatches} record: per match (ax, ay, bx, by, score, inlier), score higher = better
 * (−L2 descriptor distance, or the 2-channel score when re-scored); the estimated geometry or null;
 * inlier is true for every match when no geometry was requested.
 *
 * @param method      what produced the matches, e.g. {@code patch-siam-l2:1} or {@code sift}
 * @param keypointsA  keypoints detected in A (after the cap)
 * @param keypointsB  keypoints detected in B
 * @param timings     per-stage wall time
 */
public record MatchResult(String method, List<PointMatch> matches, Geometry geometry, int keypointsA,
                          int keypointsB, Timings timings) {

    public record PointMatch(float ax, float ay, float bx, float by, float score, boolean inlier) {
    }

    /** Milliseconds per stage; stages a method does not have are 0. */
    public record Timings(double detectMs, double patchMs, double describeMs, double matchMs, double rescoreMs,
                          double geometryMs) {

        public double totalMs() {
            return detectMs + patchMs + describeMs + matchMs + rescoreMs + geometryMs;
        }
    }

    public MatchResult {
        matches = List.copyOf(matches);
    }

    public long inlierCount() {
        return matches.stream().filter(PointMatch::inlier).count();
    }
}
