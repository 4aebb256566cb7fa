package io.visionstreams.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import io.visionstreams.schema.Calibration;
import io.visionstreams.schema.Frame;

/**
 * Conventions for stereo pairs that arrive as two {@link Frame} topics: how a half names its rig and
 * calibration, the headers that carry a half's side and provenance through the repartition topic, and
 * the binary form of a half waiting in the pairing store. Plain functions, testable without Kafka.
 */
public final class StereoHalves {

    /** Frame.metadata key naming the rig; without it the frame's sourceId is the rig id. */
    public static final String RIG = "rig";
    /** Optional Frame.metadata keys giving the pair's calibration (read from the left half, else the right). */
    public static final String FOCAL_LENGTH_PX = "stereo.focalLengthPx";
    public static final String BASELINE_M = "stereo.baselineM";
    public static final String RECTIFIED = "stereo.rectified";

    static final String SIDE_HEADER = "vs.stereo.side";
    static final String SOURCE_TOPIC_HEADER = "vs.source.topic";
    static final String SOURCE_PARTITION_HEADER = "vs.source.partition";
    static final String SOURCE_OFFSET_HEADER = "vs.source.offset";
    static final String SOURCE_KEY_HEADER = "vs.source.key";

    private StereoHalves() {
    }

    public enum Side {
        LEFT, RIGHT;

        Side other() {
            return this == LEFT ? RIGHT : LEFT;
        }

        String lower() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The rig a half belongs to: metadata "rig", falling back to the frame's sourceId. */
    public static String rigId(Frame f) {
        String rig = f.getMetadata() == null ? null : f.getMetadata().get(RIG);
        return rig == null || rig.isBlank() ? f.getSourceId() : rig;
    }

    /**
     * Calibration from the halves' metadata ({@value #FOCAL_LENGTH_PX}, {@value #BASELINE_M},
     * {@value #RECTIFIED}), left half first; empty when neither half states it.
     *
     * @throws RecordRejectedException when a value is present but not a number or boolean
     */
    public static Optional<Calibration> calibration(Frame left, Frame right) throws RecordRejectedException {
        Map<String, String> m = left.getMetadata().containsKey(RECTIFIED) || left.getMetadata().containsKey(FOCAL_LENGTH_PX)
                ? left.getMetadata() : right.getMetadata();
        String rect = m.get(RECTIFIED);
        String f = m.get(FOCAL_LENGTH_PX);
        String b = m.get(BASELINE_M);
        if (rect == null && f == null && b == null) {
            return Optional.empty();
        }
        try {
            if (rect != null && !rect.equalsIgnoreCase("true") && !rect.equalsIgnoreCase("false")) {
                throw new NumberFormatException(RECTIFIED + " must be true or false, got '" + rect + "'");
            }
            return Optional.of(Calibration.newBuilder()
                    .setFocalLengthPx(f == null ? 0 : Double.parseDouble(f))
                    .setBaselineM(b == null ? 0 : Double.parseDouble(b))
                    .setRectified(Boolean.parseBoolean(rect))
                    .build());
        } catch (NumberFormatException e) {
            throw new RecordRejectedException(RejectReasons.MALFORMED_CALIBRATION,
                    "stereo calibration metadata of rig " + rigId(left) + " is malformed: " + e.getMessage(), e);
        }
    }

    /** Where a record came from, restorable after the repartition topic (which has its own offsets). */
    public record Position(String topic, int partition, long offset) implements RecordMetadata {
    }

    static Headers withProvenance(Headers original, Side side, RecordMetadata meta, byte[] originalKey) {
        Headers h = new RecordHeaders(original == null ? new Header[0] : original.toArray());
        put(h, SIDE_HEADER, side.name());
        if (meta != null) {
            put(h, SOURCE_TOPIC_HEADER, meta.topic());
            put(h, SOURCE_PARTITION_HEADER, String.valueOf(meta.partition()));
            put(h, SOURCE_OFFSET_HEADER, String.valueOf(meta.offset()));
        }
        h.remove(SOURCE_KEY_HEADER);
        if (originalKey != null) {
            h.add(SOURCE_KEY_HEADER, originalKey);
        }
        return h;
    }

    static Optional<Side> side(Headers h) {
        String s = text(h, SIDE_HEADER);
        try {
            return s == null ? Optional.empty() : Optional.of(Side.valueOf(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The position recorded in the headers, or null when the record did not pass through a half intake. */
    static Position position(Headers h) {
        String t = text(h, SOURCE_TOPIC_HEADER);
        if (t == null) {
            return null;
        }
        try {
            return new Position(t, Integer.parseInt(text(h, SOURCE_PARTITION_HEADER)),
                    Long.parseLong(text(h, SOURCE_OFFSET_HEADER)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    static byte[] originalKey(Headers h, byte[] fallback) {
        Header k = h == null ? null : h.lastHeader(SOURCE_KEY_HEADER);
        return k == null ? fallback : k.value();
    }

    private static void put(Headers h, String key, String value) {
        h.remove(key);
        h.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Headers h, String key) {
        Header x = h == null ? null : h.lastHeader(key);
        return x == null || x.value() == null ? null : new String(x.value(), StandardCharsets.UTF_8);
    }

    /**
     * A half waiting for its partner in the pairing store: everything needed to pair it or to
     * dead-letter it with its original bytes and provenance later.
     */
    record PendingHalf(Side side, long timestamp, Position position, byte[] originalKey, byte[] value,
                       Map<String, String> headers) {

        private static final int FORMAT = 1;

        byte[] encode() {
            try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length + 256);
                 DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT);
                out.writeByte(side.ordinal());
                out.writeLong(timestamp);
                out.writeBoolean(position != null);
                if (position != null) {
                    out.writeUTF(position.topic());
                    out.writeInt(position.partition());
                    out.writeLong(position.offset());
                }
                writeBytes(out, originalKey);
                writeBytes(out, value);
                out.writeInt(headers.size());
                for (Map.Entry<String, String> e : headers.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeUTF(e.getValue());
                }
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static PendingHalf decode(byte[] data) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                int format = in.readByte();
                if (format != FORMAT) {
                    throw new IllegalStateException("pending half in unknown store format " + format);
                }
                Side side = Side.values()[in.readByte()];
                long ts = in.readLong();
                Position pos = in.readBoolean() ? new Position(in.readUTF(), in.readInt(), in.readLong()) : null;
                byte[] key = readBytes(in);
                byte[] value = readBytes(in);
                int n = in.readInt();
                Map<String, String> hs = new java.util.LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    hs.put(in.readUTF(), in.readUTF());
                }
                return new PendingHalf(side, ts, pos, key, value, hs);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
            out.writeInt(b == null ? -1 : b.length);
            if (b != null) {
                out.write(b);
            }
        }

        private static byte[] readBytes(DataInputStream in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[n];
            in.readFully(b);
            return b;
        }
    }
}
