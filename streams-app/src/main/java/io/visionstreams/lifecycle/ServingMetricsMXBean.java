package io.visionstreams.lifecycle;

import java.util.Map;

/** What JMX shows of one served model (bean {@code io.visionstreams:type=ModelServing,model=NAME}). */
public interface ServingMetricsMXBean {

    String getModelName();

    String getServingVersion();

    /** SERVING, REJECTED or INSTALLING: the outcome of the last release considered. */
    String getState();

    long getSwaps();

    long getRejections();

    Map<String, Long> getRejectionsByReason();

    /** Fetch to swap of the last successful install, in milliseconds (-1 before the first). */
    long getLastInstallMillis();

    /** Wall-clock time of the last swap, epoch milliseconds (-1 before the first). */
    long getLastSwapEpochMillis();

    /** FOLLOWING, RETRYING (the releases consumer failed; the serving version is unaffected) or STOPPED. */
    String getFollowingState();

    /** Failed attempts of the releases consumer since start (each retried after a capped back-off). */
    long getFollowingFailures();

    /** The last failure of the releases consumer, or null. */
    String getLastFollowingError();
}
