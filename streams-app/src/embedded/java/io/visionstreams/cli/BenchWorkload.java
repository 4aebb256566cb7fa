package io.visionstreams.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.header.Headers;

import io.visionstreams.ops.StreamsRunner;
import io.visionstreams.ops.TopicAdmin;

/**
 * One thing {@code bench} measures: bare ONNX Runtime variants run on the calling thread, and the
 * topology that serves the same model through Kafka. {@link BenchCommand} interleaves them in rounds.
 */
interface BenchWorkload extends AutoCloseable {

    /** Heading of the table, e.g. "detection 640x480, detector-student:1". */
    String title();

    /** FLOPs of one frame in bare variant {@code v}, or 0 when unknown. */
    long bareFlops(int v);

    /** FLOPs of one frame in end-to-end variant {@code v}, or 0 when unknown. */
    long endToEndFlops(int v);

    /** Names of the bare variants; variant 0 is the baseline the end-to-end ratio is taken against. */
    List<String> bareVariants();

    /**
     * Runs bare variant {@code v} over {@code count} frames starting at frame index {@code first} (modulo the
     * frame list), in full batches, adding one latency (ms, its batch's wall time) per frame.
     */
    void runBare(int v, int first, int count, List<Double> latencies) throws Exception;

    /** Names of the end-to-end variants (the same service, records differ only in headers); 0 is the plain one. */
    List<String> endToEndVariants();

    /** Headers of a record of end-to-end variant {@code v}. */
    Headers headers(int v);

    String framesTopic();

    String outputTopic();

    String deadLetterTopic();

    List<TopicAdmin.TopicSpec> topicSpecs(int partitions);

    /** Records on these topics may hold this many bytes (frame limit times what the topology needs). */
    int maxRecordBytes(int maxFrameBytes);

    /** Starts the topology on the embedded broker; closing the handle stops it and its model. */
    Service start(Properties streamsClient, Path stateDir, int maxFrameBytes) throws Exception;

    /** What the bench reads from an output record. */
    record Output(long sequence, int batchSize, long[] stageMicros, int recordBytes) {
    }

    Output decode(byte[] value);

    /** Names of the entries of {@link Output#stageMicros()}. */
    List<String> stageNames();

    /** Pairs (end-to-end variant, bare variant) doing the same work, whose per-round ratio is printed. */
    default List<int[]> comparablePairs() {
        return List.of(new int[] {0, 0});
    }

    /** Extra lines after the table (profiles, quality figures); may run more measurements. */
    default void report() throws Exception {
    }

    record Service(StreamsRunner runner, AutoCloseable owner) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            owner.close();
        }
    }
}
