package io.visionstreams.ingest;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.VisionSerdes;

/**
 * Sends encoded frames to a topic as {@link Frame} records keyed by source id. It numbers frames,
 * stamps capture times, paces to a target rate, and refuses frames above the size limit before
 * Kafka would (a broker-side rejection arrives late and fails the whole batch). Sends are
 * asynchronous; acknowledgements and failures are counted from the callbacks, so counts are final
 * only after {@link #flush()} or {@link #close()}.
 */
public final class FrameProducer implements AutoCloseable {

    /** Why a frame was not sent, as counted in {@link Result#failureReasons()}. */
    public static final String OVERSIZE = "OVERSIZE";

    /**
     * @param topic         destination topic
     * @param sourceId      record key and Frame.sourceId
     * @param rateFps       target frames per second, 0 = as fast as possible
     * @param maxFrameBytes largest encoded frame accepted
     * @param firstSequence sequence number of the first frame
     */
    public record Options(String topic, String sourceId, double rateFps, int maxFrameBytes, long firstSequence) {
        public Options {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(sourceId, "sourceId");
            if (rateFps < 0 || Double.isNaN(rateFps)) {
                throw new IllegalArgumentException("rate must be >= 0 frames/s, got " + rateFps);
            }
            if (maxFrameBytes <= 0) {
                throw new IllegalArgumentException("max frame bytes must be > 0");
            }
        }

        public Options(String topic, String sourceId, double rateFps, int maxFrameBytes) {
            this(topic, sourceId, rateFps, maxFrameBytes, 0);
        }
    }

    /** Counts so far. {@code failed} includes rejected (oversize) frames and failed sends. */
    public record Result(long sent, long acknowledged, long failed, long rejectedOversize, long bytesSent,
                         Map<String, Long> failureReasons, long elapsedNanos) {
        public long pending() {
            return sent - acknowledged - (failed - rejectedOversize);
        }
    }

    /** Snapshot passed to a progress callback after every frame offered. */
    public record Progress(long offered, Result counts, OptionalLong expectedFrames) {
    }

    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(Progress progress);
    }

    private final Producer<String, Frame> producer;
    private final Options options;
    private final Clock clock;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failedSends = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<String, AtomicLong> reasons = new ConcurrentHashMap<>();
    private long nextSequence;
    private long offered;
    private long startNanos = -1;
    private boolean closed;

    /** Wraps an existing producer (a KafkaProducer, or a MockProducer in tests); it is closed with this. */
    public FrameProducer(Producer<String, Frame> producer, Options options, Clock clock) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nextSequence = options.firstSequence();
    }

    public FrameProducer(Producer<String, Frame> producer, Options options) {
        this(producer, options, Clock.systemUTC());
    }

    /** A KafkaProducer from client properties, with the size limits frames need. */
    public static FrameProducer create(Properties clientProps, Options options) {
        Properties p = KafkaClientConfig.producer(clientProps, options.maxFrameBytes());
        KafkaProducer<String, Frame> kp = new KafkaProducer<>(p, new StringSerializer(), VisionSerdes.frame().serializer());
        return new FrameProducer(kp, options);
    }

    public Options options() {
        return options;
    }

    /**
     * Paces, then sends one frame asynchronously.
     *
     * @return false when the frame was refused (too large) or the send failed immediately
     */
    public boolean send(EncodedFrame f) {
        if (closed) {
            throw new IllegalStateException("producer is closed");
        }
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        offered++;
        if (f.data().length > options.maxFrameBytes()) {
            // counted and skipped rather than thrown: one huge image should not end a long ingest
            rejected.incrementAndGet();
            count(OVERSIZE);
            return false;
        }
        pace(offered - 1);
        long seq = nextSequence++;
        Map<String, String> md = new HashMap<>(f.metadata());
        md.putIfAbsent("name", f.name());
        Frame frame = Frame.newBuilder()
                .setSourceId(options.sourceId())
                .setSequence(seq)
                .setCaptureTimestamp(clock.instant())
                .setEncoding(f.encoding())
                .setWidth(f.width())
                .setHeight(f.height())
                .setData(ByteBuffer.wrap(f.data()))
                .setMetadata(md)
                .build();
        try {
            producer.send(new ProducerRecord<>(options.topic(), options.sourceId(), frame), (md2, e) -> {
                if (e == null) {
                    acked.incrementAndGet();
                } else {
                    failedSends.incrementAndGet();
                    count(reason(e));
                }
            });
        } catch (KafkaException e) {
            // synchronous failures (serialisation, buffer exhausted timeout): this frame only
            failedSends.incrementAndGet();
            count(reason(e));
            return false;
        }
        sent.incrementAndGet();
        bytes.addAndGet(f.data().length);
        return true;
    }

    /** Sleeps until frame number {@code n} (0-based, counted from the first offer) is due. */
    private void pace(long n) {
        if (options.rateFps() <= 0) {
            return;
        }
        // schedule against the start time, not the previous frame, so sleep overshoot does not accumulate
        long due = startNanos + (long) (n * 1e9 / options.rateFps());
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pacing frames");
            }
        }
    }

    /**
     * Sends every frame of a source (at most {@code limit}, &lt;= 0 for no limit), reporting progress
     * after each, then flushes. The source is not closed.
     */
    public Result sendAll(FrameSource source, long limit, ProgressListener listener) {
        OptionalLong expected = source.expectedFrames();
        if (limit > 0) {
            expected = OptionalLong.of(expected.isPresent() ? Math.min(expected.getAsLong(), limit) : limit);
        }
        long n = 0;
        while ((limit <= 0 || n < limit) && source.hasNext()) {
            send(source.next());
            n++;
            if (listener != null) {
                listener.onProgress(new Progress(n, result(), expected));
            }
        }
        flush();
        if (listener != null) {
            listener.onProgress(new Progress(n, result(), expected));
        }
        return result();
    }

    public Result result() {
        Map<String, Long> r = new TreeMap<>();
        reasons.forEach((k, v) -> r.put(k, v.get()));
        long elapsed = startNanos < 0 ? 0 : System.nanoTime() - startNanos;
        return new Result(sent.get(), acked.get(), failedSends.get() + rejected.get(), rejected.get(), bytes.get(),
                Map.copyOf(r), elapsed);
    }

    /** Waits until every sent frame is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            producer.flush();
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
    }

    private void count(String reason) {
        reasons.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
    }

    private static String reason(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
