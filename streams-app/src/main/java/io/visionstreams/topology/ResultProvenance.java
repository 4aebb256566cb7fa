package io.visionstreams.topology;

import java.time.Instant;

import org.apache.kafka.streams.processor.api.RecordMetadata;

import io.visionstreams.schema.Frame;
import io.visionstreams.schema.ModelRef;
import io.visionstreams.schema.SourceRef;
import io.visionstreams.schema.StageLatency;
import io.visionstreams.schema.StereoPair;

/**
 * The parts every result record carries the same way: which input record it came from ({@code SourceRef}),
 * what produced it ({@code ModelRef}) and where the time went ({@code StageLatency}).
 */
final class ResultProvenance {

    private ResultProvenance() {
    }

    /** The frame's id, sequence and capture time; topic, partition and offset when {@code meta} is known. */
    static SourceRef source(Frame frame, RecordMetadata meta) {
        return source(frame.getSourceId(), frame.getSequence(), frame.getCaptureTimestamp(), meta);
    }

    /** A pair is named by its rig (or pair) id and captured when its left image was. */
    static SourceRef source(StereoPair pair, RecordMetadata meta) {
        return source(pair.getRigId(), pair.getSequence(), pair.getLeft().getCaptureTimestamp(), meta);
    }

    private static SourceRef source(String id, long sequence, Instant captured, RecordMetadata meta) {
        return SourceRef.newBuilder()
                .setSourceId(id)
                .setSequence(sequence)
                .setCaptureTimestamp(captured)
                .setTopic(meta == null ? null : meta.topic())
                .setPartition(meta == null ? null : meta.partition())
                .setOffset(meta == null ? null : meta.offset())
                .build();
    }

    static ModelRef model(String name, String version, String runtime) {
        return ModelRef.newBuilder().setName(name).setVersion(version).setRuntime(runtime).build();
    }

    /** Per-stage microseconds; {@code queueMicros} is 0 and {@code batchSize} 1 where nothing is batched. */
    static StageLatency latency(long decodeMicros, long preMicros, long queueMicros, long inferMicros, long postMicros,
                                int batchSize) {
        return StageLatency.newBuilder().setDecodeMicros(decodeMicros).setPreMicros(preMicros).setQueueMicros(queueMicros)
                .setInferMicros(inferMicros).setPostMicros(postMicros).setBatchSize(batchSize).build();
    }
}
