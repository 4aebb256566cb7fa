package io.visionstreams.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ModelSlotTest {

    /** Stands in for a deployment: counts closes and notices use after close. */
    static final class FakeVersion implements AutoCloseable {
        final int id;
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger inUse = new AtomicInteger();

        FakeVersion(int id) {
            this.id = id;
        }

        /** A "batch": fails when the version was closed before or while it ran. */
        boolean run() {
            inUse.incrementAndGet();
            try {
                boolean ok = closes.get() == 0;
                Thread.onSpinWait();
                return ok && closes.get() == 0;
            } finally {
                inUse.decrementAndGet();
            }
        }

        @Override
        public void close() {
            if (inUse.get() > 0) {
                throw new AssertionError("version " + id + " closed while a batch ran on it");
            }
            closes.incrementAndGet();
        }
    }

    @Test
    void swapClosesTheOldVersionAtOnceWhenNothingIsInFlight() {
        FakeVersion v1 = new FakeVersion(1);
        FakeVersion v2 = new FakeVersion(2);
        try (ModelSlot<FakeVersion> slot = new ModelSlot<>(v1)) {
            slot.swap(v2);
            assertEquals(1, v1.closes.get());
            assertEquals(0, v2.closes.get());
            try (ModelSlot.Lease<FakeVersion> l = slot.acquire()) {
                assertSame(v2, l.get(), "the next lease sees the new version immediately");
            }
        }
        assertEquals(1, v2.closes.get(), "closing the slot closes the current version");
    }

    @Test
    void anInFlightLeaseKeepsTheOldVersionOpenUntilItCloses() {
        FakeVersion v1 = new FakeVersion(1);
        FakeVersion v2 = new FakeVersion(2);
        ModelSlot<FakeVersion> slot = new ModelSlot<>(v1);
        ModelSlot.Lease<FakeVersion> inFlight = slot.acquire();
        slot.swap(v2);
        assertEquals(0, v1.closes.get(), "a batch still runs on v1");
        assertTrue(inFlight.get().run());
        try (ModelSlot.Lease<FakeVersion> next = slot.acquire()) {
            assertSame(v2, next.get());
        }
        inFlight.close();
        inFlight.close(); // idempotent: must not release twice
        assertEquals(1, v1.closes.get());
        assertThrows(IllegalStateException.class, inFlight::get);
        slot.close();
        slot.close();
        assertEquals(1, v2.closes.get());
        assertThrows(IllegalStateException.class, slot::acquire);
    }

    @Test
    void closingTheSlotWithALeaseOutDefersTheClose() {
        FakeVersion v1 = new FakeVersion(1);
        ModelSlot<FakeVersion> slot = new ModelSlot<>(v1);
        ModelSlot.Lease<FakeVersion> l = slot.acquire();
        slot.close();
        assertEquals(0, v1.closes.get());
        l.close();
        assertEquals(1, v1.closes.get());
        FakeVersion late = new FakeVersion(9);
        assertThrows(IllegalStateException.class, () -> slot.swap(late));
        assertEquals(1, late.closes.get(), "a version swapped into a closed slot is not leaked");
    }

    @Test
    void concurrentUsersNeverSeeAClosedVersionAndEachOldVersionClosesExactlyOnce() throws Exception {
        int threads = 6;
        int swaps = 200;
        List<FakeVersion> versions = new ArrayList<>();
        versions.add(new FakeVersion(0));
        ModelSlot<FakeVersion> slot = new ModelSlot<>(versions.get(0));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong uses = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicInteger backwards = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> users = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                started.countDown();
                int lastSeen = -1;
                while (!stop.get()) {
                    try (ModelSlot.Lease<FakeVersion> l = slot.acquire()) {
                        FakeVersion v = l.get();
                        if (v.id < lastSeen) {
                            backwards.incrementAndGet(); // one thread must never go back to an older version
                        }
                        lastSeen = v.id;
                        if (!v.run()) {
                            failures.incrementAndGet();
                        }
                        uses.incrementAndGet();
                    } catch (Throwable e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    }
                }
            });
            users.add(th);
            th.start();
        }
        started.await();
        for (int i = 1; i <= swaps; i++) {
            FakeVersion next = new FakeVersion(i);
            versions.add(next);
            slot.swap(next);
            try (ModelSlot.Lease<FakeVersion> l = slot.acquire()) {
                assertSame(next, l.get(), "a lease taken after swap returns sees the new version");
            }
            if (i % 20 == 0) {
                Thread.sleep(1);
            }
        }
        stop.set(true);
        for (Thread th : users) {
            th.join(10_000);
            assertFalse(th.isAlive());
        }
        assertTrue(errors.isEmpty(), "errors: " + errors);
        assertEquals(0, failures.get(), "a batch ran on a closed version");
        assertEquals(0, backwards.get());
        assertTrue(uses.get() > 0);
        for (int i = 0; i < swaps; i++) {
            assertEquals(1, versions.get(i).closes.get(), "old version " + i + " closed exactly once");
        }
        assertEquals(0, versions.get(swaps).closes.get(), "the current version stays open");
        slot.close();
        assertEquals(1, versions.get(swaps).closes.get());
    }
}
