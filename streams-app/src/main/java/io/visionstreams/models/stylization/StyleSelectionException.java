package io.visionstreams.models.stylization;

/** A style request the model cannot serve; {@link #kind()} maps onto a dead-letter reason. */
public final class StyleSelectionException extends Exception {

    public enum Kind {
        /** A style name the model does not have. */
        UNKNOWN_STYLE,
        /** Weights that are not numbers, negative, all zero, the wrong count, or malformed. */
        BAD_STYLE_WEIGHTS
    }

    private final Kind kind;

    public StyleSelectionException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
