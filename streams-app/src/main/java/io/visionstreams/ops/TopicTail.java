package io.visionstreams.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics from the beginning with read_committed on a background thread and hands each record
 * to a callback: what the demo, the benchmark and the integration tests use to watch results arrive.
 * No consumer group: it assigns every partition itself, so it never disturbs the application's group.
 */
public final class TopicTail implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile Throwable failure;

    public TopicTail(Properties clientProps, int maxFrameBytes, List<String> topics,
                     Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
        Properties p = KafkaClientConfig.consumer(clientProps, maxFrameBytes);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
            counts.put(t, new AtomicLong());
            for (PartitionInfo pi : consumer.partitionsFor(t, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(t, pi.partition()));
            }
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        this.thread = new Thread(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        // counted after the callback: whoever awaits a count sees what the callback recorded
                        onRecord.accept(r);
                        counts.get(r.topic()).incrementAndGet();
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (Throwable t) {
                failure = t;
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }, "topic-tail");
        thread.setDaemon(true);
        thread.start();
    }

    /** Records seen on a topic so far. */
    public long count(String topic) {
        AtomicLong c = counts.get(topic);
        return c == null ? 0 : c.get();
    }

    /** Waits until {@code topic} has at least {@code n} records or the timeout passes. */
    public boolean awaitCount(String topic, long n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (count(topic) < n) {
            if (failure != null) {
                throw new IllegalStateException("tail consumer failed", failure);
            }
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
