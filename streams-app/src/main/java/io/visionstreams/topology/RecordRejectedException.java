package io.visionstreams.topology;

/**
 * An input record that cannot be processed, with a stable reason code for the dead-letter topic.
 * Thrown by the intake stages; the processor turns it into a {@code DeadLetter} record.
 */
public final class RecordRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public RecordRejectedException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public RecordRejectedException(String reason, String message) {
        this(reason, message, null);
    }

    /** Stable, machine-readable code, e.g. {@code TRUNCATED_IMAGE}. */
    public String reason() {
        return reason;
    }
}
