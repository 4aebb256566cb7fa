package io.visionstreams.inference.tensorrt;

import java.time.Duration;

/**
 * How an engine is built: the dynamic-batch optimisation profile (min is always 1) and the builder limits.
 * The profile is part of the plan-cache key; the workspace and optimisation level are recorded in the manifest.
 */
public record BuildOptions(int optBatch, int maxBatch, long workspaceBytes, int optimizationLevel, Duration timeout) {

    public static final int MIN_BATCH = 1;

    public BuildOptions {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
        }
        if (optBatch < MIN_BATCH || optBatch > maxBatch) {
            throw new IllegalArgumentException("opt batch must be in [1, " + maxBatch + "], got " + optBatch);
        }
        if (workspaceBytes <= 0) {
            throw new IllegalArgumentException("workspace must be positive, got " + workspaceBytes);
        }
        if (optimizationLevel < 0 || optimizationLevel > 5) {
            throw new IllegalArgumentException("builder optimisation level must be 0..5, got " + optimizationLevel);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("build timeout must be positive");
        }
    }

    /** Defaults for the service, overridable with {@code -Dvisionstreams.tensorrt.*} system properties. */
    public static BuildOptions fromSystemProperties() {
        int max = Integer.getInteger("visionstreams.tensorrt.maxBatch", 32);
        int opt = Integer.getInteger("visionstreams.tensorrt.optBatch", Math.min(8, max));
        long workspaceMb = Long.getLong("visionstreams.tensorrt.workspaceMb", 1024);
        int level = Integer.getInteger("visionstreams.tensorrt.optimizationLevel", 3);
        long timeoutS = Long.getLong("visionstreams.tensorrt.buildTimeoutSeconds", 900);
        return new BuildOptions(opt, max, workspaceMb << 20, level, Duration.ofSeconds(timeoutS));
    }
}
