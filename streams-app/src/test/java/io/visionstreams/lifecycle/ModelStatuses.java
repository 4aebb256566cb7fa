package io.visionstreams.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import io.visionstreams.schema.ModelStatus;

/** Waiting on the status records a follower reports from its own thread (tests share it). */
final class ModelStatuses {

    private ModelStatuses() {
    }

    /** The first status matching {@code p} within 10 s, or null; {@code statuses} is guarded by itself. */
    static ModelStatus await(List<ModelStatus> statuses, Predicate<ModelStatus> p) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            synchronized (statuses) {
                for (ModelStatus s : statuses) {
                    if (p.test(s)) {
                        return s;
                    }
                }
            }
            Thread.sleep(5);
        }
        return null;
    }
}
