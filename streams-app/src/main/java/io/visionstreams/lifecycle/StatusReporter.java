package io.visionstreams.lifecycle;

import io.visionstreams.schema.ModelStatus;

/** Where an instance says what it serves: the compacted model-status topic, or a test's list. */
@FunctionalInterface
public interface StatusReporter {

    void report(ModelStatus status);

    /** Key on the status topic: one record per instance and model survives compaction. */
    static String key(ModelStatus s) {
        return s.getInstanceId() + "/" + s.getModelName();
    }
}
