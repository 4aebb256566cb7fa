package io.visionstreams.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import io.visionstreams.schema.DeadLetter;

/** Builds the dead-letter envelope: reason, explanation, provenance and the original bytes. */
public final class DeadLetters {

    private DeadLetters() {
    }

    public static DeadLetter of(String application, String reason, String message, Throwable error,
                                RecordMetadata meta, long timestamp, byte[] key, byte[] value, Headers headers) {
        Map<String, String> hs = new HashMap<>();
        if (headers != null) {
            for (Header h : headers) {
                hs.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setMessage(message == null ? reason : message)
                .setErrorClass(error == null ? null : rootCause(error).getClass().getName())
                .setApplication(application)
                .setSourceTopic(meta == null ? "" : meta.topic())
                .setSourcePartition(meta == null ? -1 : meta.partition())
                .setSourceOffset(meta == null ? -1 : meta.offset())
                .setSourceTimestamp(timestamp)
                .setFailedAt(Instant.now())
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setHeaders(hs)
                .build();
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c && !(c instanceof RecordRejectedException)) {
            c = c.getCause();
        }
        return c instanceof RecordRejectedException && c.getCause() != null ? c.getCause() : c;
    }
}
