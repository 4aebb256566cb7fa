package io.visionstreams.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ReleaseVersionsTest {

    @Test
    void numbersCompareAsNumbers() {
        assertTrue(ReleaseVersions.compare("2", "10") < 0);
        assertTrue(ReleaseVersions.compare("1.2", "1.10") < 0);
        assertTrue(ReleaseVersions.compare("10", "9") > 0);
        assertTrue(ReleaseVersions.compare("1", "1.1") < 0);
        assertTrue(ReleaseVersions.compare("99999999999999999999", "100000000000000000000") < 0, "no overflow");
        assertEquals(0, ReleaseVersions.compare("3", "3"));
        assertTrue(ReleaseVersions.isNewer("2", "1"));
        assertFalse(ReleaseVersions.isNewer("1", "1"));
    }

    @Test
    void sortingGivesTheReadableOrder() {
        List<String> expected = List.of("0-stub", "1", "1.1", "1.2", "1.10", "2", "2-rc1", "10", "10.0.1");
        List<String> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(5));
        shuffled.sort(ReleaseVersions::compare);
        assertEquals(expected, shuffled);
    }

    @Test
    void isAntisymmetric() {
        String[] v = {"1", "01", "1.0", "1a", "a1", "", "2.x", "10", "1.10", "1.9"};
        for (String a : v) {
            for (String b : v) {
                assertEquals(Integer.signum(ReleaseVersions.compare(a, b)), -Integer.signum(ReleaseVersions.compare(b, a)), a + " vs " + b);
            }
        }
    }
}
