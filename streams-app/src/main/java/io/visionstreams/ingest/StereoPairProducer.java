package io.visionstreams.ingest;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Iterator;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.schema.Calibration;
import io.visionstreams.schema.Frame;
import io.visionstreams.schema.StereoPair;
import io.visionstreams.schema.VisionSerdes;

/**
 * Sends {@link StereoPair} records keyed by rig id: from two aligned sources of encoded images (left
 * and right folders, in file-name order) or from {@link SyntheticStereoRig}. Paced to a pair rate.
 */
public final class StereoPairProducer implements AutoCloseable {

    /** Counts of one run. */
    public record Result(long sent, long failed) {
    }

    private final Producer<String, StereoPair> producer;
    private final String topic;
    private final String rigId;
    private final double ratePairsPerSecond;
    private final AtomicLong failed = new AtomicLong();
    private long sent;
    private long nextSendNanos;

    public StereoPairProducer(Producer<String, StereoPair> producer, String topic, String rigId, double ratePairsPerSecond) {
        this.producer = producer;
        this.topic = topic;
        this.rigId = rigId;
        this.ratePairsPerSecond = ratePairsPerSecond;
    }

    /** A KafkaProducer sized for records of two frames. */
    public static StereoPairProducer create(Properties client, String topic, String rigId, double rate, int maxFrameBytes) {
        Properties p = KafkaClientConfig.producer(client, Math.multiplyExact(2, maxFrameBytes));
        return new StereoPairProducer(new KafkaProducer<>(p, new StringSerializer(), VisionSerdes.stereoPair().serializer()),
                topic, rigId, rate);
    }

    /** The record for one pair of encoded images; {@code calibration} may be null (unknown). */
    public static StereoPair pair(String rigId, long sequence, Instant capture, EncodedFrame left, EncodedFrame right,
                                  Calibration calibration) {
        return StereoPair.newBuilder().setRigId(rigId).setSequence(sequence)
                .setLeft(frame(rigId + "-left", sequence, capture, left))
                .setRight(frame(rigId + "-right", sequence, capture, right))
                .setCalibration(calibration)
                .build();
    }

    private static Frame frame(String sourceId, long sequence, Instant capture, EncodedFrame f) {
        return Frame.newBuilder().setSourceId(sourceId).setSequence(sequence).setCaptureTimestamp(capture)
                .setEncoding(f.encoding()).setWidth(f.width()).setHeight(f.height()).setData(ByteBuffer.wrap(f.data()))
                .setMetadata(f.metadata()).build();
    }

    /** Paces, then sends one pair asynchronously. */
    public Future<RecordMetadata> send(StereoPair pair) {
        if (ratePairsPerSecond > 0) {
            long now = System.nanoTime();
            if (nextSendNanos > now) {
                LockSupport.parkNanos(nextSendNanos - now);
            }
            nextSendNanos = Math.max(now, nextSendNanos) + (long) (1e9 / ratePairsPerSecond);
        }
        sent++;
        return producer.send(new ProducerRecord<>(topic, rigId, pair), (m, e) -> {
            if (e != null) {
                failed.incrementAndGet();
            }
        });
    }

    /** Zips two sources into pairs (sequence 0, 1, ...) until either ends or {@code limit} (0 = none) is reached. */
    public Result sendAll(Iterator<EncodedFrame> left, Iterator<EncodedFrame> right, Calibration calibration, long limit) {
        for (long i = 0; left.hasNext() && right.hasNext() && (limit <= 0 || i < limit); i++) {
            send(pair(rigId, i, Instant.now(), left.next(), right.next(), calibration));
        }
        producer.flush();
        return new Result(sent, failed.get());
    }

    /** Sends {@code count} synthetic rectified pairs. */
    public Result sendSynthetic(SyntheticStereoRig rig, long count) {
        for (long i = 0; i < count; i++) {
            send(rig.pair(rigId, i, Instant.now()));
        }
        producer.flush();
        return new Result(sent, failed.get());
    }

    @Override
    public void close() {
        producer.close();
    }
}
