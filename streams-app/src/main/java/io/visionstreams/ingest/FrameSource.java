package io.visionstreams.ingest;

import java.util.Iterator;
import java.util.OptionalLong;

/**
 * A finite or endless stream of encoded frames (image files, a video, a synthetic camera).
 * Iteration is single-pass and not thread-safe. Sources may hold native resources (decoders), so
 * they must be closed; {@link #close()} does not throw checked exceptions so try-with-resources
 * stays simple. I/O failures surface from {@link #next()} as {@link java.io.UncheckedIOException}.
 */
public interface FrameSource extends Iterator<EncodedFrame>, AutoCloseable {

    /** How many frames this source will yield in total, when known (never for looping sources). */
    default OptionalLong expectedFrames() {
        return OptionalLong.empty();
    }

    /** Short human description for logs and progress output. */
    String description();

    @Override
    void close();
}
