package io.visionstreams.lifecycle;

import java.time.Duration;

/**
 * Capped exponential back-off of a retry loop: the first delay after a success is {@code initial}, each
 * further failure doubles it up to {@code max}, and a success resets it. It also counts the failures of
 * the current streak, so the caller can log once per streak rather than once per attempt.
 */
final class RetryBackoff {

    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;
    private int streak;

    RetryBackoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.nextMillis = initialMillis;
    }

    /** Records a failure and returns how long to wait before the next attempt. */
    Duration failed() {
        streak++;
        long d = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return Duration.ofMillis(d);
    }

    /** Failures since the last success (0: not in a failure streak). */
    int streak() {
        return streak;
    }

    /** Records a success: the next failure starts a new streak at the initial delay. */
    void succeeded() {
        streak = 0;
        nextMillis = initialMillis;
    }
}
