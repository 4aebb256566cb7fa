package io.visionstreams.cli;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecordBase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.DeadLetter;
import io.visionstreams.schema.Detection;
import io.visionstreams.schema.Detections;
import io.visionstreams.schema.DisparityMap;
import io.visionstreams.schema.PatchMatches;
import io.visionstreams.schema.PointMatch;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.StageLatency;
import io.visionstreams.schema.StylizedFrame;
import io.visionstreams.schema.VisionSchemas;

/**
 * Turns raw record values of any of our topics into one line of text or JSON. The type is found
 * from the single-object header's schema fingerprint (current and historical schemas of every
 * {@link VisionSchemas#TOPIC_TYPES} type), so the consumer need not be told what a topic holds.
 * Pure: no Kafka client involved, which keeps it testable.
 */
public final class RecordFormatter {

    /** A decoded value, or why it could not be decoded ({@code record} null then). */
    public record Decoded(Class<? extends SpecificRecordBase> type, SpecificRecordBase record, String error) {
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<Long, Class<? extends SpecificRecordBase>> byFingerprint = new HashMap<>();
    private final Map<Class<?>, AvroSerde<?>> serdes = new HashMap<>();
    private final int topLabels;

    public RecordFormatter() {
        this(3);
    }

    /** @param topLabels how many detections a text line lists */
    public RecordFormatter(int topLabels) {
        this.topLabels = topLabels;
        Map<String, Class<? extends SpecificRecordBase>> byName = new HashMap<>();
        for (Class<? extends SpecificRecordBase> type : VisionSchemas.TOPIC_TYPES) {
            Schema s = org.apache.avro.specific.SpecificData.get().getSchema(type);
            byName.put(s.getFullName(), type);
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(s), type);
            serdes.put(type, new AvroSerde<>(type));
        }
        for (Schema old : VisionSchemas.historicalSchemas()) {
            Class<? extends SpecificRecordBase> type = byName.get(old.getFullName());
            if (type != null) {
                byFingerprint.put(SchemaNormalization.parsingFingerprint64(old), type);
            }
        }
    }

    /** The writer fingerprint of a single-object encoded value, or null if it has no such header. */
    public static Long fingerprint(byte[] value) {
        if (value == null || value.length < 10 || (value[0] & 0xFF) != 0xC3 || value[1] != 0x01) {
            return null;
        }
        return ByteBuffer.wrap(value, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    public Decoded decode(byte[] value) {
        if (value == null) {
            return new Decoded(null, null, "tombstone (null value)");
        }
        Long fp = fingerprint(value);
        if (fp == null) {
            return new Decoded(null, null, "not Avro single-object encoded (" + value.length + " bytes, starts "
                    + HexFormat.of().formatHex(value, 0, Math.min(8, value.length)) + ")");
        }
        Class<? extends SpecificRecordBase> type = byFingerprint.get(fp);
        if (type == null) {
            return new Decoded(null, null, String.format("unknown schema fingerprint %016x (%d bytes)", fp, value.length));
        }
        try {
            return new Decoded(type, (SpecificRecordBase) serdes.get(type).deserialize(null, value), null);
        } catch (RuntimeException e) {
            return new Decoded(type, null, e.getMessage());
        }
    }

    /** One human-readable line. */
    public String formatLine(String topic, int partition, long offset, String key, byte[] value) {
        Decoded d = decode(value);
        String where = topic + "/" + partition + "@" + offset;
        if (d.record() == null) {
            return where + " UNDECODABLE" + (d.type() == null ? "" : " " + d.type().getSimpleName()) + ": " + d.error();
        }
        return where + " " + describe(d.record());
    }

    /** One JSON object (no newline): where the record was, its type, and its fields; bytes as their length. */
    public String formatJson(String topic, int partition, long offset, String key, byte[] value) {
        Decoded d = decode(value);
        ObjectNode o = JSON.objectNode();
        o.put("topic", topic).put("partition", partition).put("offset", offset);
        o.put("key", key);
        if (d.record() == null) {
            o.putNull("type");
            o.put("error", d.error());
        } else {
            o.put("type", d.type().getSimpleName());
            o.set("value", toJson(d.record()));
        }
        try {
            return MAPPER.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Text description of a decoded record, type-specific for the common ones. */
    public String describe(SpecificRecordBase r) {
        if (r instanceof Frame f) {
            return String.format(Locale.ROOT, "Frame %s #%d %s %dx%d %d B at %s", f.getSourceId(), f.getSequence(),
                    f.getEncoding(), f.getWidth(), f.getHeight(), f.getData().remaining(), f.getCaptureTimestamp());
        }
        if (r instanceof Detections d) {
            List<Detection> top = d.getDetections().stream()
                    .sorted(Comparator.comparingDouble((Detection x) -> x.getScore()).reversed())
                    .limit(topLabels).toList();
            String labels = top.stream().map(x -> String.format(Locale.ROOT, "%s %.2f [%.0f,%.0f,%.0f,%.0f]",
                    x.getLabel(), x.getScore(), x.getX1(), x.getY1(), x.getX2(), x.getY2()))
                    .collect(Collectors.joining("; "));
            StageLatency l = d.getLatency();
            String explained = d.getExplanations().isEmpty() ? "" : " +CAM " + d.getExplanations().stream()
                    .map(e -> e.getLabel() + " " + e.getHeatmapPng().remaining() + " B").collect(Collectors.joining(", "));
            return String.format(Locale.ROOT,
                    "Detections %s #%d model %s:%s %d object(s)%s%s | decode %s pre %s queue %s infer %s post %s batch %d",
                    d.getSource().getSourceId(), d.getSource().getSequence(), d.getModel().getName(),
                    d.getModel().getVersion(), d.getDetections().size(), labels.isEmpty() ? "" : ": " + labels, explained,
                    ms(l.getDecodeMicros()), ms(l.getPreMicros()), ms(l.getQueueMicros()), ms(l.getInferMicros()),
                    ms(l.getPostMicros()), l.getBatchSize());
        }
        if (r instanceof DisparityMap m) {
            StageLatency l = m.getLatency();
            return String.format(Locale.ROOT,
                    "DisparityMap %s #%d model %s:%s %dx%d maxDisparity %d density %.1f%%%s%s | decode %s pre %s infer %s post %s",
                    m.getSource().getSourceId(), m.getSource().getSequence(), m.getModel().getName(),
                    m.getModel().getVersion(), m.getWidth(), m.getHeight(), m.getMaxDisparity(), 100 * m.getDensity(),
                    m.getConfidencePng() == null ? "" : " +confidence", m.getDepthPng() == null ? "" : " +depth",
                    ms(l.getDecodeMicros()), ms(l.getPreMicros()), ms(l.getInferMicros()), ms(l.getPostMicros()));
        }
        if (r instanceof PatchMatches pm) {
            long inliers = pm.getMatches().stream().filter(PointMatch::getInlier).count();
            double meanScore = pm.getMatches().stream().mapToDouble(PointMatch::getScore).average().orElse(Double.NaN);
            StageLatency l = pm.getLatency();
            return String.format(Locale.ROOT,
                    "PatchMatches %s #%d model %s:%s %d match(es), %d inlier(s), mean score %.2f%s | decode %s pre %s infer %s post %s",
                    pm.getSource().getSourceId(), pm.getSource().getSequence(), pm.getModel().getName(),
                    pm.getModel().getVersion(), pm.getMatches().size(), inliers, meanScore,
                    pm.getGeometry() == null ? "" : ", " + pm.getGeometry().getKind().name().toLowerCase(Locale.ROOT),
                    ms(l.getDecodeMicros()), ms(l.getPreMicros()), ms(l.getInferMicros()), ms(l.getPostMicros()));
        }
        if (r instanceof StylizedFrame sf) {
            StageLatency l = sf.getLatency();
            String style = sf.getStyleWeights().entrySet().stream()
                    .sorted(Map.Entry.<String, Float>comparingByValue().reversed())
                    .map(e -> sf.getStyleWeights().size() == 1 ? e.getKey().toString()
                            : String.format(Locale.ROOT, "%s=%.2f", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(","));
            return String.format(Locale.ROOT,
                    "StylizedFrame %s #%d model %s:%s style %s %s %dx%d %d B | decode %s pre %s queue %s infer %s post %s batch %d",
                    sf.getSource().getSourceId(), sf.getSource().getSequence(), sf.getModel().getName(),
                    sf.getModel().getVersion(), style, sf.getEncoding(), sf.getWidth(), sf.getHeight(),
                    sf.getData().remaining(), ms(l.getDecodeMicros()), ms(l.getPreMicros()), ms(l.getQueueMicros()),
                    ms(l.getInferMicros()), ms(l.getPostMicros()), l.getBatchSize());
        }
        if (r instanceof StereoPair p) {
            return String.format(Locale.ROOT, "StereoPair %s #%d %dx%d + %dx%d, %s", p.getRigId(), p.getSequence(),
                    p.getLeft().getWidth(), p.getLeft().getHeight(), p.getRight().getWidth(), p.getRight().getHeight(),
                    p.getCalibration() == null ? "no calibration" : String.format(Locale.ROOT,
                            "f %.1f px, baseline %.3f m, rectified %s", p.getCalibration().getFocalLengthPx(),
                            p.getCalibration().getBaselineM(), p.getCalibration().getRectified()));
        }
        if (r instanceof DeadLetter dl) {
            return String.format(Locale.ROOT, "DeadLetter %s: %s (from %s/%d@%d by %s, original %s B)",
                    dl.getReason(), dl.getMessage(), dl.getSourceTopic(), dl.getSourcePartition(), dl.getSourceOffset(),
                    dl.getApplication(), dl.getOriginalValue() == null ? "no" : dl.getOriginalValue().remaining());
        }
        // other types: compact field dump with bytes shown as sizes
        return r.getSchema().getName() + " " + toJson(r);
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1fms", micros / 1000.0);
    }

    static JsonNode toJson(Object v) {
        if (v == null) {
            return JSON.nullNode();
        }
        if (v instanceof IndexedRecord rec) {
            ObjectNode o = JSON.objectNode();
            for (Schema.Field f : rec.getSchema().getFields()) {
                o.set(f.name(), toJson(rec.get(f.pos())));
            }
            return o;
        }
        if (v instanceof ByteBuffer b) {
            // payloads (images, maps) are large and binary: show their size, not their content
            return JSON.objectNode().put("bytes", b.remaining());
        }
        if (v instanceof CharSequence || v instanceof Enum<?> || v instanceof GenericEnumSymbol<?>) {
            return JSON.textNode(v.toString());
        }
        if (v instanceof Instant t) {
            return JSON.textNode(t.toString());
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = JSON.objectNode();
            m.forEach((k, x) -> o.set(k.toString(), toJson(x)));
            return o;
        }
        if (v instanceof java.util.Collection<?> c) {
            ArrayNode a = JSON.arrayNode();
            c.forEach(x -> a.add(toJson(x)));
            return a;
        }
        if (v instanceof Integer i) return JSON.numberNode(i);
        if (v instanceof Long l) return JSON.numberNode(l);
        if (v instanceof Float f) return JSON.numberNode(f);
        if (v instanceof Double d) return JSON.numberNode(d);
        if (v instanceof Boolean b) return JSON.booleanNode(b);
        return JSON.textNode(v.toString());
    }
}
