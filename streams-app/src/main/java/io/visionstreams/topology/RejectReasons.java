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

    private RejectReasons() {
    }
}
