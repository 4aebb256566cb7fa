package io.visionstreams.ops;

/** Default topic names. Every name can be overridden in the application config. */
public final class Topics {

    public static final String FRAMES = "frames";
    public static final String DETECTIONS = "detections";
    public static final String DEAD_LETTER = "dead-letter";
    public static final String STEREO_PAIRS = "stereo-pairs";
    public static final String STEREO_LEFT = "stereo-left";
    public static final String STEREO_RIGHT = "stereo-right";
    public static final String DISPARITY = "disparity";
    public static final String IMAGE_PAIRS = "image-pairs";
    public static final String PATCH_MATCHES = "patch-matches";
    public static final String STYLIZED_FRAMES = "stylized-frames";
    /** Compacted, key = model name: signed {@code ModelRelease} records (written by {@code publish}). */
    public static final String MODEL_RELEASES = "model-releases";
    /** Compacted, key = instanceId/modelName: {@code ModelStatus}, what each instance serves. */
    public static final String MODEL_STATUS = "model-status";

    private Topics() {
    }
}
