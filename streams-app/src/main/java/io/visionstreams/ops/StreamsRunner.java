package io.visionstreams.ops;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one topology: start, wait until RUNNING, and a planned shutdown that leaves the consumer group
 * so the remaining instances take over at once instead of after the session timeout.
 */
public final class StreamsRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

    private final String name;
    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);

    public StreamsRunner(String name, Topology topology, Properties props) {
        this.name = name;
        this.streams = new KafkaStreams(topology, props);
        streams.setStateListener((now, before) -> {
            LOG.debug("{}: {} -> {}", name, before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        // a failure that escapes the processor (e.g. a broker-side fatal error) replaces the thread
        // rather than killing the instance; records of the failed task are reprocessed under EOS
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("{}: stream thread failed, replacing it", name, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    public StreamsRunner start() {
        streams.start();
        return this;
    }

    /** Waits until the instance has joined the group and runs; throws if it does not in time. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not reach RUNNING within " + timeout + " (state "
                    + streams.state() + ")");
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        boolean done = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        if (!done) {
            LOG.warn("{}: streams did not close within 30 s", name);
        }
    }
}
