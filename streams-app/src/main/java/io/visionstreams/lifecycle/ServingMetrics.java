package io.visionstreams.lifecycle;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters and gauges of one served model: the version serving, swaps, rejections by reason and how
 * long the last install took. Plain thread-safe fields (tests read them directly), optionally
 * registered as a platform MXBean so any JMX tool (or a Prometheus JMX exporter) sees them beside the
 * Kafka Streams metrics.
 */
public final class ServingMetrics implements ServingMetricsMXBean, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServingMetrics.class);

    private final String modelName;
    private volatile String servingVersion;
    private volatile String state = "SERVING";
    private final AtomicLong swaps = new AtomicLong();
    private final Map<String, AtomicLong> rejections = new ConcurrentHashMap<>();
    private volatile long lastInstallMillis = -1;
    private volatile long lastSwapEpochMillis = -1;
    private volatile String followingState = "FOLLOWING";
    private final AtomicLong followingFailures = new AtomicLong();
    private volatile String lastFollowingError;
    private ObjectName registered;

    public ServingMetrics(String modelName, String servingVersion) {
        this.modelName = modelName;
        this.servingVersion = servingVersion;
    }

    /** Registers with the platform MBean server; a name already taken (a second instance in one JVM) is skipped. */
    public synchronized ServingMetrics registerJmx() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("io.visionstreams:type=ModelServing,model=" + ObjectName.quote(modelName));
            server.registerMBean(this, name);
            registered = name;
        } catch (InstanceAlreadyExistsException e) {
            LOG.debug("serving metrics of {} already registered in this JVM", modelName);
        } catch (JMException e) {
            LOG.warn("cannot register serving metrics of {} with JMX: {}", modelName, e.toString());
        }
        return this;
    }

    void installing() {
        state = "INSTALLING";
    }

    void swapped(String version, long installMillis) {
        servingVersion = version;
        state = "SERVING";
        swaps.incrementAndGet();
        lastInstallMillis = installMillis;
        lastSwapEpochMillis = System.currentTimeMillis();
    }

    void rejected(String reason) {
        state = "REJECTED";
        rejections.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    /** A release not installed because a better one is serving: counted, but the state stays SERVING. */
    void skipped(String reason) {
        rejections.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    /** The releases consumer failed; the follower retries while the current version keeps serving. */
    void followingFailed(String error) {
        followingState = "RETRYING";
        followingFailures.incrementAndGet();
        lastFollowingError = error;
    }

    void followingRecovered() {
        followingState = "FOLLOWING";
    }

    void followingStopped() {
        followingState = "STOPPED";
    }

    @Override
    public String getFollowingState() {
        return followingState;
    }

    @Override
    public long getFollowingFailures() {
        return followingFailures.get();
    }

    @Override
    public String getLastFollowingError() {
        return lastFollowingError;
    }

    @Override
    public String getModelName() {
        return modelName;
    }

    @Override
    public String getServingVersion() {
        return servingVersion;
    }

    @Override
    public String getState() {
        return state;
    }

    @Override
    public long getSwaps() {
        return swaps.get();
    }

    @Override
    public long getRejections() {
        return rejections.values().stream().mapToLong(AtomicLong::get).sum();
    }

    @Override
    public Map<String, Long> getRejectionsByReason() {
        Map<String, Long> m = new TreeMap<>();
        rejections.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public long rejections(String reason) {
        AtomicLong n = rejections.get(reason);
        return n == null ? 0 : n.get();
    }

    @Override
    public long getLastInstallMillis() {
        return lastInstallMillis;
    }

    @Override
    public long getLastSwapEpochMillis() {
        return lastSwapEpochMillis;
    }

    @Override
    public synchronized void close() {
        if (registered != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
            } catch (JMException e) {
                LOG.debug("unregistering {} failed", registered, e);
            }
            registered = null;
        }
    }
}
