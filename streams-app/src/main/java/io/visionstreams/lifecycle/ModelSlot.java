package io.visionstreams.lifecycle;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model version a topology serves, swappable while records flow. A stream thread takes a
 * {@link Lease} for each record (or batch) and closes it when the result is out; {@link #swap} makes
 * later leases see the new version at once, while leases already taken keep the old one until they
 * close. The old version is closed exactly once, by whoever drops its last reference (the swap itself
 * when nothing is in flight, else the last in-flight lease), so in-flight batches finish on the
 * version that started them and its native memory is released as soon as nobody can use it.
 *
 * <p>Reference counting rather than a read-write lock: a swap never waits for in-flight records, and
 * records never wait for a swap.
 */
public final class ModelSlot<T extends AutoCloseable> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSlot.class);

    /** One version and its reference count; the slot itself holds one reference while it is current. */
    private static final class Version<T extends AutoCloseable> {
        final T value;
        final AtomicInteger refs = new AtomicInteger(1);

        Version(T value) {
            this.value = value;
        }

        /** Takes a reference unless the count already reached 0 (the version is closed or closing). */
        boolean retain() {
            for (int n = refs.get(); n > 0; n = refs.get()) {
                if (refs.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false;
        }

        void release() {
            int n = refs.decrementAndGet();
            if (n == 0) {
                try {
                    value.close();
                } catch (Exception e) {
                    LOG.warn("closing swapped-out {} failed", value, e);
                }
            } else if (n < 0) {
                throw new IllegalStateException("released more often than retained: " + value);
            }
        }
    }

    /** A hold on one version: it stays open until this lease (and every other on it) is closed. */
    public static final class Lease<T extends AutoCloseable> implements AutoCloseable {
        private final Version<T> version;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(Version<T> version) {
            this.version = version;
        }

        public T get() {
            if (closed.get()) {
                throw new IllegalStateException("lease already closed");
            }
            return version.value;
        }

        /** Idempotent: a second close does not release the version twice. */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                version.release();
            }
        }
    }

    private final AtomicReference<Version<T>> current;

    public ModelSlot(T initial) {
        current = new AtomicReference<>(new Version<>(requireNonNull(initial)));
    }

    /**
     * The current version, held until the lease closes.
     *
     * @throws IllegalStateException when the slot was closed
     */
    public Lease<T> acquire() {
        while (true) {
            Version<T> v = current.get();
            if (v == null) {
                throw new IllegalStateException("model slot is closed");
            }
            if (v.retain()) {
                return new Lease<>(v);
            }
            // lost a race with a swap that dropped v's last reference: the new version is current now
        }
    }

    /** The version new leases get; for reporting only (it may be swapped out the moment this returns). */
    public T peek() {
        Version<T> v = current.get();
        if (v == null) {
            throw new IllegalStateException("model slot is closed");
        }
        return v.value;
    }

    /**
     * Makes {@code next} current. The previous version is closed once its last lease is closed (now, if
     * none is out). If the slot was closed meanwhile, {@code next} is closed and an exception thrown.
     */
    public void swap(T next) {
        Version<T> fresh = new Version<>(requireNonNull(next));
        Version<T> old;
        do {
            old = current.get();
            if (old == null) {
                fresh.release();
                throw new IllegalStateException("model slot is closed; the new version was closed too");
            }
        } while (!current.compareAndSet(old, fresh));
        old.release();
    }

    /** Drops the slot's reference to the current version; it closes when its last lease does. Idempotent. */
    @Override
    public void close() {
        Version<T> v = current.getAndSet(null);
        if (v != null) {
            v.release();
        }
    }

    private static <T> T requireNonNull(T value) {
        if (value == null) {
            throw new IllegalArgumentException("a model slot needs a deployment, got null");
        }
        return value;
    }
}
