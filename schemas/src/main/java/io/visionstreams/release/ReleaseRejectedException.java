package io.visionstreams.release;

/** A release that must not be served; {@link #reason()} says which check failed, the message says why. */
public final class ReleaseRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final RejectReason reason;

    public ReleaseRejectedException(RejectReason reason, String message) {
        this(reason, message, null);
    }

    public ReleaseRejectedException(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        if (reason == null) {
            throw new IllegalArgumentException("reason is required");
        }
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return reason + ": " + getMessage();
    }
}
