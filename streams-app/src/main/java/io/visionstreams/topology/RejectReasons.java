package io.visionstreams.topology;

/** Reason codes written to the dead-letter topic. Stable: consumers may alert on them. */
public final class RejectReasons {
    public static final String NULL_VALUE = "NULL_VALUE";
    public static final String AVRO_DECODE_FAILED = "AVRO_DECODE_FAILED";
    public static final String EMPTY_FRAME = "EMPTY_FRAME";
    public static final String UNKNOWN_ENCODING = "UNKNOWN_ENCODING";
    public static final String UNDECODABLE_IMAGE = "UNDECODABLE_IMAGE";
    public static final String TRUNCATED_IMAGE = "TRUNCATED_IMAGE";
    public static final String WRONG_DIMENSIONS = "WRONG_DIMENSIONS";
    public static final String FRAME_TOO_LARGE = "FRAME_TOO_LARGE";
    public static final String INFERENCE_FAILED = "INFERENCE_FAILED";
    public static final String PROCESSING_FAILED = "PROCESSING_FAILED";
    /** A stereo half whose partner (same rig, sequence, other side) did not arrive within the pairing window. */
    public static final String UNPAIRED_HALF = "UNPAIRED_HALF";
    /** A stereo half seen again (same rig, sequence and side) while its pair was pending or already emitted. */
    public static final String DUPLICATE_HALF = "DUPLICATE_HALF";
    /** A stereo half that arrived after its partner's window had expired (the partner was reported unpaired). */
    public static final String LATE_HALF = "LATE_HALF";
    /** A stereo pair without calibration or with rectified=false, refused for dense stereo. */
    public static final String UNRECTIFIED_PAIR = "UNRECTIFIED_PAIR";
    /** Calibration metadata of a stereo half that is not a number (focal length, baseline) or boolean (rectified). */
    public static final String MALFORMED_CALIBRATION = "MALFORMED_CALIBRATION";
    /** The two images of a stereo pair decode to different sizes. */
    public static final String PAIR_SIZE_MISMATCH = "PAIR_SIZE_MISMATCH";

    /** A frame asks for a style the stylisation model does not have. */
    public static final String UNKNOWN_STYLE = "UNKNOWN_STYLE";
    /** A frame's style weights are malformed, negative, all zero, of the wrong count, or given with a style name. */
    public static final String BAD_STYLE_WEIGHTS = "BAD_STYLE_WEIGHTS";
    /** A frame's stylisation scale ('style.scale') is not a number in (0, 1]. */
    public static final String BAD_STYLE_SCALE = "BAD_STYLE_SCALE";

    private RejectReasons() {
    }
}
