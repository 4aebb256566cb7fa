package io.visionstreams.inference.tensorrt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one TensorRT logger of the process. TensorRT calls {@link #log} from its own threads, so it is
 * thread-safe; the callback is {@code @NoException}, so it never lets anything escape (a pending Java exception
 * would surface later from an unrelated call); and it must outlive every TensorRT object created with it, so
 * {@link TrtNatives} keeps it in a static field for the life of the process.
 *
 * <p>It also counts errors: TensorRT reports many failures only through the logger (a bogus runtime, a plan
 * from another GPU), so callers take a {@link #mark()} before a creation call and treat any error logged since
 * as a failure, in addition to null checks.
 */
final class TrtLogger extends ILogger {

    private static final Logger LOG = LoggerFactory.getLogger("tensorrt");
    private static final int KEEP = 64;

    // ILogger.Severity values; compared as ints because enums arriving from native code are not canonical
    static final int INTERNAL_ERROR = 0;
    static final int ERROR = 1;
    static final int WARNING = 2;
    static final int INFO = 3;

    private final AtomicLong errors = new AtomicLong();
    private final Deque<Entry> recent = new ArrayDeque<>();
    private final boolean echo;

    private record Entry(long errorSeq, int severity, String message) {
    }

    /** @param echo also print every message at warning or above to stderr (the child builder's log file) */
    TrtLogger(boolean echo) {
        this.echo = echo;
    }

    @Override
    public void log(Severity severity, String msg) {
        try {
            int s = severity == null ? INFO : severity.value;
            String text = msg == null ? "" : msg;
            if (s <= ERROR) {
                long seq = errors.incrementAndGet();
                remember(new Entry(seq, s, text));
                LOG.error("{}", text);
            } else if (s == WARNING) {
                remember(new Entry(errors.get(), s, text));
                LOG.warn("{}", text);
            } else if (s == INFO) {
                LOG.debug("{}", text);
            } else {
                LOG.trace("{}", text);
            }
            if (echo && s <= WARNING) {
                System.err.println("[TensorRT " + (s <= ERROR ? "ERROR" : "WARNING") + "] " + text);
            }
        } catch (Throwable ignored) {
            // never let anything escape into native code
        }
    }

    private void remember(Entry e) {
        synchronized (recent) {
            recent.addLast(e);
            while (recent.size() > KEEP) {
                recent.removeFirst();
            }
        }
    }

    long mark() {
        return errors.get();
    }

    /** Errors logged after {@code mark} (by any thread; creation calls are serialised by their callers). */
    List<String> errorsSince(long mark) {
        List<String> out = new ArrayList<>();
        synchronized (recent) {
            for (Entry e : recent) {
                if (e.severity() <= ERROR && e.errorSeq() > mark) {
                    out.add(e.message());
                }
            }
        }
        if (out.isEmpty() && errors.get() > mark) {
            out.add((errors.get() - mark) + " error(s) logged (messages rotated out)");
        }
        return out;
    }

    /** The last warnings and errors, oldest first, for reports. */
    List<String> recentMessages() {
        List<String> out = new ArrayList<>();
        synchronized (recent) {
            for (Entry e : recent) {
                out.add((e.severity() <= ERROR ? "ERROR " : "WARNING ") + e.message());
            }
        }
        return out;
    }
}
