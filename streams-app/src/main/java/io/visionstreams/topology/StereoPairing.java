package io.visionstreams.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.VisionSerdes;
import io.visionstreams.topology.StereoHalves.PendingHalf;
import io.visionstreams.topology.StereoHalves.Position;
import io.visionstreams.topology.StereoHalves.Side;

/**
 * Pairs left and right {@link Frame} halves by (rig, sequence) within a time window.
 *
 * <p>Why not the DSL's stream-stream join: it drops a record that arrives after the window closed
 * without a trace, and it emits one pair per combination, so a repeated half gives a second pair.
 * This processor keeps halves in changelogged stores (exactly-once safe: the store updates, the pair
 * and the dead letters commit in one transaction) and reports every outcome:
 * <ul>
 *   <li>partner arrives within the window: one {@code StereoPair}, the key is remembered as paired;</li>
 *   <li>no partner once stream time passes the half's timestamp + window: {@code UNPAIRED_HALF};</li>
 *   <li>same rig, sequence and side again while pending or after pairing: {@code DUPLICATE_HALF};</li>
 *   <li>a half whose partner was already reported unpaired: {@code LATE_HALF}.</li>
 * </ul>
 * Outcomes are remembered for a retention period (event time); a half older than that is treated as new.
 * Expiry runs on stream time (the newest record timestamp of the task), so it is deterministic and
 * replays identically; when input stops, pending halves wait until records arrive again.
 */
public final class StereoPairing {

    public static final String PENDING_STORE = "stereo-pending-halves";
    public static final String OUTCOME_STORE = "stereo-pairing-outcomes";
    /** Metric group {@code stream-stereo-pairing-metrics}; metrics {@code <operation>-total} and {@code -rate}. */
    public static final String METRIC_SCOPE = "stereo-pairing";

    private static final byte PAIRED = 1;
    private static final byte EXPIRED = 2;

    private StereoPairing() {
    }

    /** The two stores, changelogged (the default) so a restarted or migrated task resumes exactly. */
    static List<StoreBuilder<KeyValueStore<String, byte[]>>> stores() {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTCOME_STORE), Serdes.String(), Serdes.ByteArray()));
    }

    /** Store key of a (rig, sequence); the rig comes last so any rig text is unambiguous. */
    static String pairKey(String rig, long sequence) {
        return sequence + "/" + rig;
    }

    /**
     * First stage of one half topic: checks the value is a Frame, re-keys it by rig id (so both halves
     * meet in one partition of the repartition topic) and records side and provenance in headers.
     * Forwards the original bytes, or a {@link DeadLetter}.
     */
    static final class HalfIntake implements Processor<byte[], byte[], byte[], Object> {
        private final Side side;
        private final FrameIntake intake;
        private ProcessorContext<byte[], Object> context;

        HalfIntake(Side side, FrameIntake intake) {
            this.side = side;
            this.intake = intake;
        }

        @Override
        public void init(ProcessorContext<byte[], Object> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            RecordMetadata meta = context.recordMetadata().orElse(null);
            try {
                Frame f = intake.decodeRecord(record.value());
                byte[] rig = StereoHalves.rigId(f).getBytes(StandardCharsets.UTF_8);
                context.forward(new Record<byte[], Object>(rig, record.value(), record.timestamp(),
                        StereoHalves.withProvenance(record.headers(), side, meta, record.key())));
            } catch (RecordRejectedException e) {
                DeadLetter dl = DeadLetters.of(StereoTopology.APPLICATION, e.reason(), side.lower() + " half: " + e.getMessage(),
                        e, meta, record.timestamp(), record.key(), record.value(), record.headers());
                context.forward(new Record<byte[], Object>(record.key(), dl, record.timestamp()));
            }
        }
    }

    /** Second stage, after the repartition by rig id: the pairing itself (see the class comment). */
    static final class Pairer implements Processor<byte[], byte[], byte[], Object> {
        private final long windowMs;
        private final long retentionMs;
        private final AvroSerde<Frame> frames = VisionSerdes.frame();
        private final AvroSerde<StereoPair> pairs = VisionSerdes.stereoPair();
        private ProcessorContext<byte[], Object> context;
        private KeyValueStore<String, byte[]> pending;
        private KeyValueStore<String, byte[]> outcomes;
        private Sensor paired;
        private Sensor unpaired;
        private Sensor duplicate;
        private Sensor late;

        Pairer(Duration window, Duration retention) {
            this.windowMs = window.toMillis();
            this.retentionMs = Math.max(retention.toMillis(), windowMs);
        }

        @Override
        public void init(ProcessorContext<byte[], Object> context) {
            this.context = context;
            this.pending = context.getStateStore(PENDING_STORE);
            this.outcomes = context.getStateStore(OUTCOME_STORE);
            String task = context.taskId().toString();
            var m = context.metrics();
            paired = m.addRateTotalSensor(METRIC_SCOPE, task, "paired", Sensor.RecordingLevel.INFO);
            unpaired = m.addRateTotalSensor(METRIC_SCOPE, task, "unpaired-half", Sensor.RecordingLevel.INFO);
            duplicate = m.addRateTotalSensor(METRIC_SCOPE, task, "duplicate-half", Sensor.RecordingLevel.INFO);
            late = m.addRateTotalSensor(METRIC_SCOPE, task, "late-half", Sensor.RecordingLevel.INFO);
            long interval = Math.max(10, Math.min(windowMs, 1000));
            context.schedule(Duration.ofMillis(interval), PunctuationType.STREAM_TIME, this::expire);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            Headers h = record.headers();
            Position pos = StereoHalves.position(h);
            byte[] originalKey = StereoHalves.originalKey(h, record.key());
            Optional<Side> sideHeader = StereoHalves.side(h);
            if (sideHeader.isEmpty()) {
                throw new IllegalStateException("stereo half without a side header: the repartition topic was written "
                        + "by something other than the half intake");
            }
            Side side = sideHeader.get();
            PendingHalf half = new PendingHalf(side, record.timestamp(), pos, originalKey, record.value(), headerMap(h));
            Frame frame;
            try {
                frame = frames.decode(record.value());
            } catch (RuntimeException e) { // validated by the intake: only a corrupt repartition record gets here
                reject(half, RejectReasons.AVRO_DECODE_FAILED, e.getMessage(), e);
                return;
            }
            String rig = new String(record.key(), StandardCharsets.UTF_8);
            String key = pairKey(rig, frame.getSequence());
            String what = side.lower() + " half of rig " + rig + " #" + frame.getSequence();

            byte[] outcome = outcomes.get(key);
            if (outcome != null) {
                if (outcome[0] == PAIRED) {
                    duplicate.record();
                    reject(half, RejectReasons.DUPLICATE_HALF, what + " was already paired and emitted; this copy is not paired again", null);
                } else if (Side.values()[outcome[1]] == side) {
                    duplicate.record();
                    reject(half, RejectReasons.DUPLICATE_HALF, what + " repeats a half already reported unpaired", null);
                } else {
                    late.record();
                    reject(half, RejectReasons.LATE_HALF, what + " arrived after its " + side.other().lower()
                            + " partner's " + windowMs + " ms window expired (the partner was reported UNPAIRED_HALF)", null);
                }
                return;
            }
            byte[] stored = pending.get(key);
            if (stored == null) {
                pending.put(key, half.encode());
                return;
            }
            PendingHalf waiting = PendingHalf.decode(stored);
            if (waiting.side() == side) {
                duplicate.record();
                reject(half, RejectReasons.DUPLICATE_HALF, what + " repeats a half that is still waiting for its partner", null);
                return;
            }
            pending.delete(key);
            if (Math.abs(half.timestamp() - waiting.timestamp()) > windowMs) {
                // the waiting half's window closed before stream time caught up with it
                unpaired.record();
                reject(waiting, RejectReasons.UNPAIRED_HALF, waiting.side().lower() + " half of rig " + rig + " #"
                        + frame.getSequence() + ": its partner came " + Math.abs(half.timestamp() - waiting.timestamp())
                        + " ms apart, outside the " + windowMs + " ms window", null);
                late.record();
                reject(half, RejectReasons.LATE_HALF, what + " is " + Math.abs(half.timestamp() - waiting.timestamp())
                        + " ms from its partner, outside the " + windowMs + " ms window", null);
                putOutcome(key, EXPIRED, waiting.side(), waiting.timestamp());
                return;
            }
            PendingHalf left = side == Side.LEFT ? half : waiting;
            PendingHalf right = side == Side.LEFT ? waiting : half;
            emitPair(rig, frame.getSequence(), left, right);
            putOutcome(key, PAIRED, side, Math.max(left.timestamp(), right.timestamp()));
        }

        private void emitPair(String rig, long sequence, PendingHalf left, PendingHalf right) {
            Frame l = frames.decode(left.value());
            Frame r = frames.decode(right.value());
            StereoPair pair;
            try {
                pair = StereoPair.newBuilder().setRigId(rig).setSequence(sequence).setLeft(l).setRight(r)
                        .setCalibration(StereoHalves.calibration(l, r).orElse(null)).build();
            } catch (RecordRejectedException e) {
                reject(left, e.reason(), e.getMessage(), e);
                reject(right, e.reason(), e.getMessage(), e);
                return;
            }
            paired.record();
            // provenance of the pair is its left half; the right half's position stays in its own header copy
            Headers hs = toHeaders(left.headers());
            context.forward(new Record<byte[], Object>(rig.getBytes(StandardCharsets.UTF_8), pairs.encode(pair),
                    Math.max(left.timestamp(), right.timestamp()), hs));
        }

        /** Stream-time punctuation: report halves whose window has passed, forget old outcomes. */
        private void expire(long streamTime) {
            List<KeyValue<String, byte[]>> expired = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = pending.all()) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> kv = it.next();
                    if (PendingHalf.decode(kv.value).timestamp() + windowMs < streamTime) {
                        expired.add(kv);
                    }
                }
            }
            for (KeyValue<String, byte[]> kv : expired) {
                PendingHalf half = PendingHalf.decode(kv.value);
                pending.delete(kv.key);
                unpaired.record();
                String[] seqRig = kv.key.split("/", 2);
                reject(half, RejectReasons.UNPAIRED_HALF, String.format(Locale.ROOT,
                        "%s half of rig %s #%s: no %s half within %d ms (stream time %d, half at %d)", half.side().lower(),
                        seqRig[1], seqRig[0], half.side().other().lower(), windowMs, streamTime, half.timestamp()));
                putOutcome(kv.key, EXPIRED, half.side(), half.timestamp());
            }
            List<String> forget = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = outcomes.all()) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> kv = it.next();
                    if (readLong(kv.value, 2) + retentionMs < streamTime) {
                        forget.add(kv.key);
                    }
                }
            }
            forget.forEach(outcomes::delete);
        }

        /** Outcome value: [state, side of the (expired) half, event time as 8 big-endian bytes]. */
        private void putOutcome(String key, byte state, Side side, long eventTime) {
            byte[] out = new byte[10];
            out[0] = state;
            out[1] = (byte) side.ordinal();
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) (eventTime >>> (56 - 8 * i));
            }
            outcomes.put(key, out);
        }

        private static long readLong(byte[] b, int off) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[off + i] & 0xFF);
            }
            return v;
        }

        private void reject(PendingHalf half, String reason, String message) {
            reject(half, reason, message, null);
        }

        private void reject(PendingHalf half, String reason, String message, Throwable error) {
            DeadLetter dl = DeadLetters.of(StereoTopology.APPLICATION, reason, message, error, half.position(),
                    half.timestamp(), half.originalKey(), half.value(), toHeaders(half.headers()));
            context.forward(new Record<byte[], Object>(half.originalKey(), dl, half.timestamp()));
        }

        private static Map<String, String> headerMap(Headers h) {
            Map<String, String> m = new LinkedHashMap<>();
            if (h != null) {
                for (Header x : h) {
                    if (!x.key().equals(StereoHalves.SOURCE_KEY_HEADER) && x.value() != null) {
                        m.put(x.key(), new String(x.value(), StandardCharsets.UTF_8));
                    }
                }
            }
            return m;
        }

        private static Headers toHeaders(Map<String, String> m) {
            RecordHeaders h = new RecordHeaders();
            m.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
            return h;
        }
    }
}
