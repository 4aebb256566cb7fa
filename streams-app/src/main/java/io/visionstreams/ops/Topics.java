package io.visionstreams.ops;

/** Default topic names. Every name can be overridden in the application config. */
public final class Topics {

    public static final String FRAMES = "frames";
    public static final String DETECTIONS = "detections";
    public static final String DEAD_LETTER = "dead-letter";

    private Topics() {
    }
}
