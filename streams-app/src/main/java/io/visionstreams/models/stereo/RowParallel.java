package io.visionstreams.models.stereo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool that splits an index range (rows, or column stripes) into one contiguous block per
 * thread. Blocks rather than work stealing: every stage here has uniform work per row, and a block per
 * thread keeps each thread's slice of the volume in its own cache lines.
 */
public final class RowParallel implements AutoCloseable {

    /** Work on indices [from, to) by the block's owner, {@code block} in [0, blocks). */
    @FunctionalInterface
    public interface Block {
        void run(int from, int to, int block) throws Exception;
    }

    private final int threads;
    private final ExecutorService pool;

    public RowParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "stereo-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} over [0, n) in min(threads, n) blocks and waits for all of them. */
    public void forBlocks(int n, Block body) {
        int blocks = Math.max(1, Math.min(threads, n));
        if (blocks == 1 || pool == null) {
            call(body, 0, n, 0);
            return;
        }
        List<Future<?>> fs = new ArrayList<>(blocks);
        for (int b = 0; b < blocks; b++) {
            int from = (int) ((long) n * b / blocks), to = (int) ((long) n * (b + 1) / blocks), id = b;
            fs.add(pool.submit(() -> call(body, from, to, id)));
        }
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            }
        }
    }

    /** How many blocks {@link #forBlocks} uses for n indices. */
    public int blocks(int n) {
        return Math.max(1, Math.min(threads, n));
    }

    private static void call(Block body, int from, int to, int id) {
        try {
            body.run(from, to, id);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
