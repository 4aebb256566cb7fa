package io.visionstreams.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void doublesUpToTheCapAndStartsOverAfterASuccess() {
        RetryBackoff b = new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertEquals(0, b.streak());
        long[] expected = {500, 1000, 2000, 3000, 3000};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], b.failed().toMillis(), "attempt " + (i + 1));
            assertEquals(i + 1, b.streak());
        }
        b.succeeded();
        assertEquals(0, b.streak());
        assertEquals(500, b.failed().toMillis(), "a new streak starts at the initial delay");
        assertEquals(1, b.streak());
    }

    @Test
    void refusesAnEmptyOrInvertedRange() {
        assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
