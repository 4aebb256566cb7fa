package io.visionstreams.inference.tensorrt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.ModelSource;
import io.visionstreams.inference.Precision;

/**
 * The TensorRT {@link InferenceRuntime}: for a model, find a valid plan in the {@link PlanCache} (keyed by GPU,
 * compute capability, TensorRT version, ONNX SHA-256 and profile), build one in a child process when there is
 * none, then deserialize it into a {@link TensorRtSession}. The precision is in the graph (TensorRT 11 has no FP16
 * flag): at {@link Precision#FP16} the runtime builds from the model's FP16 ONNX variant and refuses a model
 * without one; the precision is part of the plan key and recorded in the manifest. Construct only after
 * {@link TensorRtProbe#probe()} reported available (enforced).
 */
public final class TensorRtRuntime implements InferenceRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(TensorRtRuntime.class);

    private final TensorRtProbe.Result gpu;
    private final PlanCache cache;
    private final BuildOptions options;
    private final ChildProcessEngineBuilder builder;
    private final int maxSlots;
    private final Precision precision;
    /** Set once a child found that this host has no builder: later builds fail at once instead of re-spawning. */
    private volatile String noBuilder;

    public TensorRtRuntime(Path cacheDir, BuildOptions options, int maxSlots, Precision precision)
            throws InferenceException {
        this(cacheDir, options, maxSlots, precision, new ChildProcessEngineBuilder());
    }

    TensorRtRuntime(Path cacheDir, BuildOptions options, int maxSlots, Precision precision,
                    ChildProcessEngineBuilder builder) throws InferenceException {
        this.gpu = TensorRtProbe.probe();
        if (!gpu.available()) {
            throw new InferenceException("the TensorRT runtime cannot be used: " + gpu.describe()
                    + " (use --runtime cpu or auto)");
        }
        this.cache = new PlanCache(cacheDir);
        this.options = options;
        this.builder = builder;
        this.maxSlots = Math.max(1, maxSlots);
        this.precision = precision == null ? Precision.FP32 : precision;
    }

    /** Service defaults: cache under {@code -Dvisionstreams.tensorrt.cacheDir} or ~/.cache/vision-streams/tensorrt. */
    public static TensorRtRuntime fromSystemProperties(Precision precision) throws InferenceException {
        return new TensorRtRuntime(defaultCacheDir(), BuildOptions.fromSystemProperties(),
                Integer.getInteger("visionstreams.tensorrt.slots", 2), precision);
    }

    /** The plan cache the service's runtime uses: {@code -Dvisionstreams.tensorrt.cacheDir} or ~/.cache/vision-streams/tensorrt. */
    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("visionstreams.tensorrt.cacheDir",
                Path.of(System.getProperty("user.home"), ".cache", "vision-streams", "tensorrt").toString()));
    }

    @Override
    public String name() {
        return TensorRtSession.RUNTIME_NAME;
    }

    public TensorRtProbe.Result gpu() {
        return gpu;
    }

    public Precision precision() {
        return precision;
    }

    @Override
    public InferenceSession open(ModelSource model) throws InferenceException {
        return openSession(model);
    }

    public TensorRtSession openSession(ModelSource model) throws InferenceException {
        String label = model.name() + ":" + model.version() + (precision == Precision.FP16 ? " (fp16)" : "");
        byte[] onnx = model.onnxFor(precision);
        PlanKey key = PlanKey.of(gpu, OnnxFacts.sha256(onnx), options, precision);
        PlanCache.CachedPlan plan = planFor(label, onnx, key);
        try {
            return TensorRtSession.load(model.name(), model.version(), plan, maxSlots);
        } catch (PlanRejectedException first) {
            // a plan that validates on disk but does not deserialize (e.g. driver change): rebuild once
            LOG.warn("{}: cached plan {} failed to load ({}); rebuilding", label, plan.directory(), first.getMessage());
            PlanCache.deleteQuietly(plan.directory());
            return TensorRtSession.load(model.name(), model.version(), build(label, onnx, key), maxSlots);
        }
    }

    private PlanCache.CachedPlan planFor(String label, byte[] onnx, PlanKey key) throws InferenceException {
        PlanCache.Lookup lookup = cache.load(key);
        if (lookup.hit()) {
            LOG.info("{}: using cached TensorRT plan {}", label, lookup.plan().directory());
            return lookup.plan();
        }
        LOG.info("{}: {}; building", label, lookup.rejection());
        return build(label, onnx, key);
    }

    private PlanCache.CachedPlan build(String label, byte[] onnxBytes, PlanKey key) throws InferenceException {
        String known = noBuilder;
        if (known != null) {
            throw new InferenceException("TensorRT engine build for " + label + " not attempted: " + known);
        }
        Path staging;
        try {
            staging = cache.newStagingDir();
        } catch (IOException e) {
            throw new InferenceException("TensorRT plan cache " + cache.root() + " is not writable: " + e, e);
        }
        Path scratch = staging.resolveSibling(staging.getFileName() + ".work");
        try {
            Files.createDirectories(scratch);
            Path onnx = scratch.resolve("model.onnx");
            Files.write(onnx, onnxBytes);
            try {
                builder.build(label, onnx, staging, options, cache.timingCacheFile(key));
            } catch (ChildProcessEngineBuilder.NoBuilderException e) {
                noBuilder = "an earlier build found no TensorRT builder on this host ("
                        + e.getMessage().lines().findFirst().orElse("") + ")";
                throw e;
            }
            return cache.commit(key, staging);
        } catch (IOException e) {
            throw new InferenceException("TensorRT plan for " + label + " could not be stored: " + e.getMessage(), e);
        } finally {
            PlanCache.deleteQuietly(staging);
            PlanCache.deleteQuietly(scratch);
        }
    }

    @Override
    public void close() {
        // the IRuntime and logger are process-wide and outlive every engine; sessions are closed by their owners
    }
}
