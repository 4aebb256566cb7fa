package io.visionstreams.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {

    /** Generous upper bound for "eventually": the tests assert completion, never speed. */
    private static final long WAIT_S = 20;

    /**
     * A session with input x:[N,2] and output y = 2x. It validates the shape like a real runtime would,
     * records the batch sizes it saw, fails any batch that contains the POISON value, and can be held
     * inside run() to keep samples queued.
     */
    static final class DoublingSession implements InferenceSession {
        static final float POISON = 666f;
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate; // when set, run() waits for it
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public String modelName() {
            return "doubler";
        }

        @Override
        public String modelVersion() {
            return "1";
        }

        @Override
        public String runtimeName() {
            return "fake";
        }

        @Override
        public Map<String, TensorSpec> inputs() {
            return Map.of("x", new TensorSpec("x", Tensor.Type.FLOAT32, new long[] {-1, 2}));
        }

        @Override
        public Map<String, TensorSpec> outputs() {
            return Map.of("y", new TensorSpec("y", Tensor.Type.FLOAT32, new long[] {-1, 2}));
        }

        @Override
        public Map<String, Tensor> run(Map<String, Tensor> in) throws InferenceException {
            entered.countDown();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(WAIT_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Tensor x = in.get("x");
            if (x == null || x.rank() != 2 || x.dim(1) != 2) {
                throw new InferenceException("doubler: input x must be [N,2], got " + in);
            }
            batchSizes.add((int) x.dim(0));
            float[] d = x.floats();
            float[] y = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                if (d[i] == POISON) {
                    throw new InferenceException("doubler: poisoned batch");
                }
                y[i] = 2 * d[i];
            }
            return Map.of("y", Tensor.ofFloats(x.shape(), y));
        }

        @Override
        public void close() {
        }
    }

    private final DoublingSession session = new DoublingSession();
    private final List<DynamicBatcher> toClose = new ArrayList<>();
    private ExecutorService pool;

    private DynamicBatcher batcher(int maxBatch, Duration delay) {
        DynamicBatcher b = new DynamicBatcher(session, maxBatch, delay, 1, 64);
        toClose.add(b);
        return b;
    }

    @AfterEach
    void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
        CountDownLatch g = session.gate;
        if (g != null) {
            g.countDown();
        }
        toClose.forEach(DynamicBatcher::close);
    }

    private static Map<String, Tensor> sample(float a, float b) {
        return Map.of("x", Tensor.ofFloats(new long[] {2}, new float[] {a, b}));
    }

    private static float[] y(BatchedResult r) {
        return r.output("y").floats();
    }

    private static Throwable failure(CompletableFuture<BatchedResult> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT_S, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void concurrentSubmittersShareBatchesAndEachGetsItsOwnResult() throws Exception {
        DynamicBatcher b = batcher(8, Duration.ofSeconds(5));
        int n = 8;
        pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<BatchedResult>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float v = i;
            results.add(pool.submit(() -> {
                start.await();
                return b.infer(sample(v, -v), Duration.ofSeconds(WAIT_S));
            }));
        }
        start.countDown();
        int maxSeen = 0;
        for (int i = 0; i < n; i++) {
            BatchedResult r = results.get(i).get(WAIT_S, TimeUnit.SECONDS);
            // every caller gets the slice for ITS sample, not a neighbour's
            assertArrayEquals(new float[] {2f * i, -2f * i}, y(r), "caller " + i);
            assertArrayEquals(new long[] {2}, r.output("y").shape(), "batch dimension removed");
            assertEquals("doubler", r.modelName());
            assertEquals("fake", r.runtimeName());
            maxSeen = Math.max(maxSeen, r.batchSize());
        }
        assertTrue(maxSeen > 1, "8 simultaneous submitters and a 5 s window must share a batch; sizes "
                + session.batchSizes);
        assertEquals(n, session.batchSizes.stream().mapToInt(Integer::intValue).sum());
        assertEquals(n, b.sampleCount());
        assertEquals(session.batchSizes.size(), b.batchCount());
    }

    /** Doubles x of any shape and records the batched shapes it ran; run() can be held at a gate. */
    static final class AnyShapeSession implements InferenceSession {
        final List<String> shapes = new CopyOnWriteArrayList<>();
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);

        @Override public String modelName() { return "any"; }
        @Override public String modelVersion() { return "1"; }
        @Override public String runtimeName() { return "fake"; }
        @Override public Map<String, TensorSpec> inputs() {
            return Map.of("x", new TensorSpec("x", Tensor.Type.FLOAT32, new long[] {-1, -1}));
        }
        @Override public Map<String, TensorSpec> outputs() {
            return Map.of("y", new TensorSpec("y", Tensor.Type.FLOAT32, new long[] {-1, -1}));
        }

        @Override
        public Map<String, Tensor> run(Map<String, Tensor> in) {
            entered.countDown();
            try {
                gate.await(WAIT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Tensor x = in.get("x");
            shapes.add(Arrays.toString(x.shape()));
            float[] y = x.floats().clone();
            for (int i = 0; i < y.length; i++) {
                y[i] *= 2;
            }
            return Map.of("y", Tensor.ofFloats(x.shape(), y));
        }

        @Override public void close() { }
    }

    @Test
    void samplesOfDifferentShapesRunAsOneBatchPerShape() throws Exception {
        AnyShapeSession any = new AnyShapeSession();
        DynamicBatcher b = new DynamicBatcher(any, 4, Duration.ofSeconds(5), 1, 64);
        toClose.add(b);
        // hold the first batch so the next four queue up together
        CompletableFuture<BatchedResult> first = b.submit(Map.of("x", Tensor.ofFloats(new long[] {1}, new float[] {9})));
        assertTrue(any.entered.await(WAIT_S, TimeUnit.SECONDS));
        CompletableFuture<BatchedResult> a1 = b.submit(Map.of("x", Tensor.ofFloats(new long[] {2}, new float[] {1, 2})));
        CompletableFuture<BatchedResult> c1 = b.submit(Map.of("x", Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3})));
        CompletableFuture<BatchedResult> a2 = b.submit(Map.of("x", Tensor.ofFloats(new long[] {2}, new float[] {3, 4})));
        CompletableFuture<BatchedResult> c2 = b.submit(Map.of("x", Tensor.ofFloats(new long[] {3}, new float[] {4, 5, 6})));
        any.gate.countDown();
        assertArrayEquals(new float[] {18}, y(first.get(WAIT_S, TimeUnit.SECONDS)));
        BatchedResult ra2 = a2.get(WAIT_S, TimeUnit.SECONDS);
        assertArrayEquals(new float[] {2, 4}, y(a1.get(WAIT_S, TimeUnit.SECONDS)));
        assertArrayEquals(new float[] {6, 8}, y(ra2));
        assertArrayEquals(new float[] {2, 4, 6}, y(c1.get(WAIT_S, TimeUnit.SECONDS)));
        assertArrayEquals(new float[] {8, 10, 12}, y(c2.get(WAIT_S, TimeUnit.SECONDS)));
        assertEquals(2, ra2.batchSize(), "equal shapes still share a batch");
        assertEquals(List.of("[1, 1]", "[2, 2]", "[2, 3]"), any.shapes);
    }

    @Test
    void maxBatchSizeIsNeverExceeded() throws Exception {
        DynamicBatcher b = batcher(3, Duration.ofMillis(200));
        List<CompletableFuture<BatchedResult>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(b.submit(sample(i, i + 0.5f)));
        }
        for (int i = 0; i < fs.size(); i++) {
            BatchedResult r = fs.get(i).get(WAIT_S, TimeUnit.SECONDS);
            assertArrayEquals(new float[] {2f * i, 2f * i + 1f}, y(r));
            assertTrue(r.batchSize() <= 3, "batch of " + r.batchSize());
        }
        assertTrue(session.batchSizes.stream().allMatch(s -> s >= 1 && s <= 3), "sizes " + session.batchSizes);
        assertEquals(20, session.batchSizes.stream().mapToInt(Integer::intValue).sum());
        // 20 samples queued at once cannot fit in fewer than 7 batches of 3
        assertTrue(session.batchSizes.size() >= 7, "sizes " + session.batchSizes);
    }

    @Test
    void loneSampleCompletesAfterTheQueueDelay() throws Exception {
        DynamicBatcher b = batcher(8, Duration.ofMillis(50));
        BatchedResult r = b.submit(sample(1.5f, 2.5f)).get(WAIT_S, TimeUnit.SECONDS);
        assertArrayEquals(new float[] {3f, 5f}, y(r));
        assertEquals(1, r.batchSize());
        assertEquals(List.of(1), session.batchSizes);
    }

    @Test
    void sessionFailureFailsOnlyThatBatchAndTheBatcherKeepsWorking() throws Exception {
        // 500 ms is ample for three back-to-back submits to share a batch, and bounds the lone infer() below
        DynamicBatcher b = batcher(3, Duration.ofMillis(500));
        // three samples queued together fill one batch; the poison makes the session throw for it
        List<CompletableFuture<BatchedResult>> first = List.of(b.submit(sample(1, 1)),
                b.submit(sample(DoublingSession.POISON, 0)), b.submit(sample(3, 3)));
        for (CompletableFuture<BatchedResult> f : first) {
            Throwable t = failure(f);
            assertInstanceOf(InferenceException.class, t);
            assertTrue(t.getMessage().contains("poisoned"), t.getMessage());
        }
        // infer() surfaces the session's own exception, not a wrapper
        InferenceException ie = assertThrows(InferenceException.class,
                () -> b.infer(sample(DoublingSession.POISON, 1), Duration.ofSeconds(WAIT_S)));
        assertTrue(ie.getMessage().contains("poisoned"), ie.getMessage());

        List<CompletableFuture<BatchedResult>> next = List.of(b.submit(sample(4, 4)), b.submit(sample(5, 5)),
                b.submit(sample(6, 6)));
        for (int i = 0; i < next.size(); i++) {
            assertArrayEquals(new float[] {2f * (4 + i), 2f * (4 + i)}, y(next.get(i).get(WAIT_S, TimeUnit.SECONDS)));
        }
    }

    @Test
    void malformedSampleFailsAloneWhileItsBatchMatesSucceed() throws Exception {
        DynamicBatcher b = batcher(4, Duration.ofSeconds(5));
        Map<String, Tensor> wrongShape = Map.of("x", Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3}));
        Map<String, Tensor> wrongName = Map.of("z", Tensor.ofFloats(new long[] {2}, new float[] {1, 2}));
        CompletableFuture<BatchedResult> good1 = b.submit(sample(1, 2));
        CompletableFuture<BatchedResult> bad1 = b.submit(wrongShape);
        CompletableFuture<BatchedResult> good2 = b.submit(sample(3, 4));
        CompletableFuture<BatchedResult> bad2 = b.submit(wrongName);

        assertArrayEquals(new float[] {2, 4}, y(good1.get(WAIT_S, TimeUnit.SECONDS)));
        assertArrayEquals(new float[] {6, 8}, y(good2.get(WAIT_S, TimeUnit.SECONDS)));
        assertInstanceOf(InferenceException.class, failure(bad1));
        assertInstanceOf(InferenceException.class, failure(bad2));
    }

    @Test
    void malformedFirstSampleDoesNotFailTheOthers() throws Exception {
        // the first sample fixes the shape a batch is stacked to, so a bad one in front is the hard case
        DynamicBatcher b = batcher(3, Duration.ofSeconds(5));
        CompletableFuture<BatchedResult> bad = b.submit(Map.of("x", Tensor.ofFloats(new long[] {1}, new float[] {9})));
        CompletableFuture<BatchedResult> good1 = b.submit(sample(1, 2));
        CompletableFuture<BatchedResult> good2 = b.submit(sample(5, 6));
        assertArrayEquals(new float[] {2, 4}, y(good1.get(WAIT_S, TimeUnit.SECONDS)));
        assertArrayEquals(new float[] {10, 12}, y(good2.get(WAIT_S, TimeUnit.SECONDS)));
        assertInstanceOf(InferenceException.class, failure(bad));
    }

    @Test
    void closeFailsQueuedSamplesAndLaterSubmitsThrow() throws Exception {
        DynamicBatcher b = new DynamicBatcher(session, 1, Duration.ofMillis(1), 1, 64);
        session.gate = new CountDownLatch(1);
        CompletableFuture<BatchedResult> running = b.submit(sample(1, 1));
        assertTrue(session.entered.await(WAIT_S, TimeUnit.SECONDS), "dispatcher never picked up the first sample");
        // the only dispatcher is held inside run(), so these stay in the queue
        List<CompletableFuture<BatchedResult>> queued = new ArrayList<>(List.of(b.submit(sample(2, 2)),
                b.submit(sample(3, 3))));

        Thread closer = new Thread(b::close, "closer");
        closer.start();
        // submit() throws as soon as close() has flagged the batcher; samples accepted before that are queued too
        boolean closedSeen = false;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!closedSeen && System.nanoTime() < giveUp) {
            try {
                queued.add(b.submit(sample(4, 4)));
                Thread.sleep(1);
            } catch (IllegalStateException expected) {
                closedSeen = true;
            }
        }
        assertTrue(closedSeen, "submit kept being accepted after close()");
        session.gate.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertTrue(!closer.isAlive(), "close() did not return");

        // the batch already running finishes; everything still queued fails instead of hanging
        assertArrayEquals(new float[] {2, 2}, y(running.get(WAIT_S, TimeUnit.SECONDS)));
        for (CompletableFuture<BatchedResult> f : queued) {
            Throwable t = failure(f);
            assertInstanceOf(IllegalStateException.class, t);
            assertTrue(t.getMessage().contains("closed"), t.getMessage());
        }
        IllegalStateException after = assertThrows(IllegalStateException.class, () -> b.submit(sample(5, 5)));
        assertTrue(after.getMessage().contains("doubler"), after.getMessage());
        assertEquals(List.of(1), session.batchSizes, "nothing may run after close: " + Arrays.toString(
                session.batchSizes.toArray()));
    }

    @Test
    void rejectsInvalidConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new DynamicBatcher(session, 0, Duration.ZERO, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new DynamicBatcher(session, 1, Duration.ZERO, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DynamicBatcher(session, 1, Duration.ZERO, 1, 0));
    }
}
