package io.visionstreams.topology;

import java.util.Optional;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.schema.DeadLetter;

/**
 * A one-stage processor's way to the dead-letter sink: wraps the failed input record (original key, value
 * and headers, its source position) with a reason and forwards it to {@link OneStageTopology#DEAD_LETTER_SINK}.
 */
final class DeadLetterForwarder {

    private final ProcessorContext<Object, Object> context;
    private final String application;
    private final Logger log;

    /** {@code log} is the processor's own logger, so failures are logged under the processor that had them. */
    DeadLetterForwarder(ProcessorContext<Object, Object> context, String application, Logger log) {
        this.context = context;
        this.application = application;
        this.log = log;
    }

    /**
     * The reason a failure implies: a rejected record keeps its own; a failed inference is INFERENCE_FAILED
     * (logged as a warning); anything else is PROCESSING_FAILED (logged as an error, with the stack trace).
     */
    void failed(Record<byte[], byte[]> record, Optional<RecordMetadata> meta, Exception e) {
        if (e instanceof RecordRejectedException r) {
            forward(record, meta, r.reason(), r.getMessage(), r);
        } else if (e instanceof InferenceException) {
            log.warn("inference failed for {}: {}", meta.map(Object::toString).orElse("record"), e.getMessage());
            forward(record, meta, RejectReasons.INFERENCE_FAILED, e.getMessage(), e);
        } else {
            log.error("unexpected failure processing {}", meta.map(Object::toString).orElse("record"), e);
            forward(record, meta, RejectReasons.PROCESSING_FAILED, String.valueOf(e), e);
        }
    }

    void forward(Record<byte[], byte[]> record, Optional<RecordMetadata> meta, String reason, String message,
                 Throwable error) {
        DeadLetter dl = DeadLetters.of(application, reason, message, error, meta.orElse(null), record.timestamp(),
                record.key(), record.value(), record.headers());
        context.forward(new Record<Object, Object>(record.key(), dl, record.timestamp()),
                OneStageTopology.DEAD_LETTER_SINK);
    }
}
