package io.visionstreams.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forms batches across stream threads and tasks, like Triton's dynamic batcher: a bounded queue of
 * (sample, future) and dispatcher threads that take the first waiting sample, then keep collecting
 * until {@code maxBatchSize} samples are in hand or {@code maxQueueDelay} has passed since that first
 * sample arrived, run the batch, and complete each sample's future.
 *
 * <p>Why this keeps exactly-once: Kafka Streams commits a task's offsets only between calls to
 * {@code process()}. A stream thread calls {@link #infer} and blocks until its own sample's result is
 * back, then forwards the result, all inside one {@code process()} call. So no offset is ever
 * committed for a record whose result has not been produced in the same transaction; batches still
 * form because many stream threads (and the tasks they own) block here at once. The price is that the
 * number of stream threads bounds the batch size, so deployments set {@code num.stream.threads} to at
 * least the batch size they want.
 */
public final class DynamicBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

    private final InferenceSession session;
    private final int maxBatchSize;
    private final long maxQueueDelayNanos;
    private final BlockingQueue<Pending> queue;
    private final List<Thread> dispatchers = new ArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private volatile boolean closed;

    private record Pending(Map<String, Tensor> sample, Set<String> outputs, long enqueuedNanos, CompletableFuture<BatchedResult> future) {
    }

    /**
     * @param session       the model; its inputs must have a dynamic (or matching) batch dimension
     * @param maxBatchSize  most samples per run
     * @param maxQueueDelay longest a sample waits for company before its batch runs anyway
     * @param workers       dispatcher threads (batches that may run concurrently); 1 suits a CPU
     * @param queueCapacity samples that may wait; submitters block beyond it (back-pressure)
     */
    public DynamicBatcher(InferenceSession session, int maxBatchSize, Duration maxQueueDelay, int workers,
                          int queueCapacity) {
        if (maxBatchSize < 1 || workers < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatchSize, workers and queueCapacity must be >= 1");
        }
        this.session = session;
        this.maxBatchSize = maxBatchSize;
        this.maxQueueDelayNanos = maxQueueDelay.toNanos();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::dispatchLoop, "batcher-" + session.modelName() + "-" + i);
            t.setDaemon(true);
            dispatchers.add(t);
            t.start();
        }
    }

    public InferenceSession session() {
        return session;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** Batches run so far. */
    public long batchCount() {
        return batches.get();
    }

    /** Samples run so far. */
    public long sampleCount() {
        return samples.get();
    }

    /** Queues one sample (tensors without the batch dimension). */
    public CompletableFuture<BatchedResult> submit(Map<String, Tensor> sample) throws InterruptedException {
        return submit(sample, null);
    }

    /**
     * Queues one sample that needs only the named outputs (null: all). A batch fetches the union of
     * what its samples asked for; each sample gets back only its own.
     */
    public CompletableFuture<BatchedResult> submit(Map<String, Tensor> sample, Set<String> outputs)
            throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("batcher for " + session.modelName() + " is closed");
        }
        Pending p = new Pending(sample, outputs == null ? null : Set.copyOf(outputs), System.nanoTime(), new CompletableFuture<>());
        queue.put(p);
        if (closed) { // closed while we waited: make sure nobody waits forever
            failAll(new IllegalStateException("batcher closed"));
        }
        return p.future;
    }

    /** Submits and waits: the call a stream thread makes from {@code process()}. */
    public BatchedResult infer(Map<String, Tensor> sample, Duration timeout) throws InferenceException {
        return infer(sample, null, timeout);
    }

    /** Submits and waits for only the named outputs (null: all). */
    public BatchedResult infer(Map<String, Tensor> sample, Set<String> outputs, Duration timeout)
            throws InferenceException {
        try {
            return submit(sample, outputs).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while waiting for " + session.modelName(), e);
        } catch (TimeoutException e) {
            throw new InferenceException("no result from " + session.modelName() + " within " + timeout, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof InferenceException ie ? ie
                    : new InferenceException("inference failed: " + c, c);
        }
    }

    private void dispatchLoop() {
        List<Pending> batch = new ArrayList<>(maxBatchSize);
        while (!closed) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = first.enqueuedNanos + maxQueueDelayNanos;
                while (batch.size() < maxBatchSize) {
                    long wait = deadline - System.nanoTime();
                    Pending next = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                runBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable t) { // never let the dispatcher die: fail the batch instead
                LOG.error("batch of {} failed unexpectedly", batch.size(), t);
                batch.forEach(p -> p.future.completeExceptionally(t));
            } finally {
                batch.clear();
            }
        }
    }

    private void runBatch(List<Pending> batch) {
        if (batch.size() > 1) {
            List<List<Pending>> groups = byShape(batch);
            if (groups.size() > 1) {
                // samples of different shapes (e.g. frames of different sizes) cannot be stacked:
                // each shape runs as its own batch instead of all of them one by one
                groups.forEach(this::runBatch);
                return;
            }
        }
        long start = System.nanoTime();
        int n = batch.size();
        Map<String, Tensor> inputs;
        try {
            inputs = stack(batch);
        } catch (RuntimeException e) {
            // one malformed sample must not fail its neighbours: run them one by one instead
            if (n > 1) {
                for (Pending p : batch) {
                    runBatch(new ArrayList<>(List.of(p)));
                }
            } else {
                batch.get(0).future.completeExceptionally(new InferenceException("bad input: " + e.getMessage(), e));
            }
            return;
        }
        Map<String, Tensor> outputs;
        try {
            outputs = session.run(inputs, requestedOutputs(batch));
        } catch (InferenceException | RuntimeException e) {
            batch.forEach(p -> p.future.completeExceptionally(e));
            return;
        }
        long inferMicros = (System.nanoTime() - start) / 1000;
        batches.incrementAndGet();
        samples.addAndGet(n);
        for (int i = 0; i < n; i++) {
            Pending p = batch.get(i);
            Map<String, Tensor> mine = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
                if (p.outputs != null && !p.outputs.contains(e.getKey())) {
                    continue; // fetched for a neighbour in the batch, not asked for by this sample
                }
                mine.put(e.getKey(), slice(e.getValue(), i, n));
            }
            p.future.complete(new BatchedResult(mine, n, (start - p.enqueuedNanos) / 1000, inferMicros,
                    session.modelName(), session.modelVersion(), session.runtimeName()));
        }
    }

    /** The union of the outputs the samples asked for; null (all) if any sample wants all. */
    static Set<String> requestedOutputs(List<Pending> batch) {
        Set<String> union = new HashSet<>();
        for (Pending p : batch) {
            if (p.outputs == null) {
                return null;
            }
            union.addAll(p.outputs);
        }
        return union;
    }

    /** The batch split into groups whose inputs have equal names and shapes, in order of first appearance. */
    static List<List<Pending>> byShape(List<Pending> batch) {
        Map<String, List<Pending>> groups = new LinkedHashMap<>();
        for (Pending p : batch) {
            StringBuilder key = new StringBuilder();
            for (Map.Entry<String, Tensor> e : p.sample.entrySet()) {
                key.append(e.getKey()).append(Arrays.toString(e.getValue().shape())).append(';');
            }
            groups.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(p);
        }
        return new ArrayList<>(groups.values());
    }

    /** Concatenates per-sample tensors along a new leading batch dimension. */
    static Map<String, Tensor> stack(List<Pending> batch) {
        Map<String, Tensor> first = batch.get(0).sample;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : first.entrySet()) {
            String name = e.getKey();
            Tensor t0 = e.getValue();
            long[] shape = t0.shape();
            long[] batched = new long[shape.length + 1];
            batched[0] = batch.size();
            System.arraycopy(shape, 0, batched, 1, shape.length);
            int per = (int) Tensor.elementCount(shape);
            if (t0.type() == Tensor.Type.FLOAT32) {
                float[] data = new float[per * batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    Tensor t = sampleTensor(batch.get(i).sample, name, shape);
                    System.arraycopy(t.floats(), 0, data, i * per, per);
                }
                out.put(name, Tensor.ofFloats(batched, data));
            } else {
                int[] data = new int[per * batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    Tensor t = sampleTensor(batch.get(i).sample, name, shape);
                    System.arraycopy(t.ints(), 0, data, i * per, per);
                }
                out.put(name, Tensor.ofInts(batched, data));
            }
        }
        return out;
    }

    private static Tensor sampleTensor(Map<String, Tensor> sample, String name, long[] shape) {
        Tensor t = sample.get(name);
        if (t == null || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("sample input '" + name + "' has shape "
                    + (t == null ? "none" : Arrays.toString(t.shape())) + ", batch needs " + Arrays.toString(shape));
        }
        return t;
    }

    /** The i-th of n samples of a batched output. */
    static Tensor slice(Tensor t, int i, int n) {
        long[] shape = t.shape();
        if (shape.length == 0 || shape[0] != n) {
            throw new IllegalStateException("output " + t + " does not have batch dimension " + n);
        }
        long[] one = Arrays.copyOfRange(shape, 1, shape.length);
        int per = (int) Tensor.elementCount(one);
        if (t.type() == Tensor.Type.FLOAT32) {
            return Tensor.ofFloats(one, Arrays.copyOfRange(t.floats(), i * per, (i + 1) * per));
        }
        return Tensor.ofInts(one, Arrays.copyOfRange(t.ints(), i * per, (i + 1) * per));
    }

    private void failAll(Throwable t) {
        for (Pending p; (p = queue.poll()) != null; ) {
            p.future.completeExceptionally(t);
        }
    }

    /** Stops the dispatchers; samples still queued fail. Does not close the session (its owner does). */
    @Override
    public void close() {
        closed = true;
        for (Thread t : dispatchers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        failAll(new IllegalStateException("batcher for " + session.modelName() + " closed"));
    }
}
