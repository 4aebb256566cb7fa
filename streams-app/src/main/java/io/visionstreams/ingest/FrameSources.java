package io.visionstreams.ingest;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** Combinators over {@link FrameSource}s. */
public final class FrameSources {

    private FrameSources() {
    }

    /**
     * The frames of several sources one after another, each opened when reached and closed when
     * exhausted (so only one video decoder is open at a time). With {@code loop} the whole sequence
     * restarts; a pass that yields nothing ends it rather than spinning.
     */
    public static FrameSource concat(List<Supplier<FrameSource>> openers, boolean loop, String description) {
        List<Supplier<FrameSource>> list = List.copyOf(openers);
        return new FrameSource() {
            private int index;
            private FrameSource current;
            private long yieldedThisPass;
            private Long knownTotal;

            @Override
            public boolean hasNext() {
                while (true) {
                    if (current != null && current.hasNext()) {
                        return true;
                    }
                    if (current != null) {
                        current.close();
                        current = null;
                        index++;
                    }
                    if (index >= list.size()) {
                        if (!loop || yieldedThisPass == 0) {
                            return false;
                        }
                        index = 0;
                        yieldedThisPass = 0;
                    }
                    current = list.get(index).get();
                }
            }

            @Override
            public EncodedFrame next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                yieldedThisPass++;
                return current.next();
            }

            @Override
            public OptionalLong expectedFrames() {
                // only a single source's count is cheap to know without opening the others
                if (loop || list.size() != 1) {
                    return OptionalLong.empty();
                }
                if (knownTotal == null) {
                    hasNext();
                    knownTotal = current == null ? 0L : current.expectedFrames().orElse(-1);
                }
                return knownTotal < 0 ? OptionalLong.empty() : OptionalLong.of(knownTotal);
            }

            @Override
            public String description() {
                return description + (loop ? ", looping" : "");
            }

            @Override
            public void close() {
                if (current != null) {
                    current.close();
                    current = null;
                }
            }
        };
    }
}
