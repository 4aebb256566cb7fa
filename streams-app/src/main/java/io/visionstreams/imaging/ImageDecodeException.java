package io.visionstreams.imaging;

/** A frame payload that cannot be turned into pixels; {@link #reason()} is meant for metrics / dead-letter routing. */
public final class ImageDecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason { EMPTY, UNKNOWN_ENCODING, UNDECODABLE, TRUNCATED, WRONG_DIMENSIONS, TOO_LARGE }

    private final Reason reason;

    public ImageDecodeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
