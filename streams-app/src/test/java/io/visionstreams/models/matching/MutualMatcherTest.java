package io.visionstreams.models.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class MutualMatcherTest {

    // A: a0 near b0 (clear), a1 between b1 and b2 (ambiguous), a2 and a3 both nearest to b3 (a3 closer)
    private static final float[] A = {0, 0, 10, 0, 20, 20, 30.5f, 30};
    private static final float[] B = {0.2f, 0, 9, 1, 11, 1, 30, 30};

    @Test
    void keepsOnlyMutualNearestNeighboursThatPassTheRatioTest() {
        float[] d = MutualMatcher.l2Distances(A, 4, B, 4, 2);
        List<MutualMatcher.Candidate> m = MutualMatcher.match(d, 4, 4, 0.8);
        assertEquals(List.of(0, 3), m.stream().map(MutualMatcher.Candidate::a).toList());
        assertEquals(List.of(0, 3), m.stream().map(MutualMatcher.Candidate::b).toList());
        assertEquals(0.2f, m.get(0).distance(), 1e-5);
    }

    @Test
    void ratioOneKeepsAmbiguousMutualMatches() {
        float[] d = MutualMatcher.l2Distances(A, 4, B, 4, 2);
        List<MutualMatcher.Candidate> m = MutualMatcher.match(d, 4, 4, 1.0);
        // a1's nearest is b1 (equal distance to b2, first wins) and b1's nearest is a1: mutual
        assertEquals(List.of(0, 1, 3), m.stream().map(MutualMatcher.Candidate::a).toList());
        // a2 → b3, but b3 → a3: never a match, whatever the ratio
        assertTrue(m.stream().noneMatch(c -> c.a() == 2));
    }

    @Test
    void distancesAreEuclideanAndHamming() {
        float[] d = MutualMatcher.l2Distances(new float[] {1, 2, 3}, 1, new float[] {1, 2, 3, 4, 6, 3}, 2, 3);
        assertEquals(0, d[0], 1e-3);
        assertEquals(5, d[1], 1e-4);
        float[] hd = MutualMatcher.hammingDistances(new byte[] {(byte) 0xFF, 0}, 1, new byte[] {(byte) 0x0F, 1}, 1, 2);
        assertEquals(5, hd[0]);
    }

    @Test
    void singleCandidatePassesTheRatioTest() {
        List<MutualMatcher.Candidate> m = MutualMatcher.match(new float[] {0.5f}, 1, 1, 0.8);
        assertEquals(1, m.size());
    }
}
