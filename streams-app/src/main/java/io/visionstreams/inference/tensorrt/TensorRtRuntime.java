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

/**
 * The TensorRT {@link InferenceRuntime}: for a model, find a valid plan in the {@link PlanCache} (keyed by GPU,
 * compute capability, TensorRT version, ONNX SHA-256 and profile), build one in a child process when there is
 * none, then deserialize it into a {@link TensorRtSession}. Accepts FP32 or FP16 ONNX alike: the precision is in
 * the graph (TensorRT 11 has no FP16 flag) and recorded in the manifest. Construct only after
 * {@link TensorRtProbe#probe()} reported available (enforced).
 */
public final class TensorRtRuntime implements InferenceRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(TensorRtRuntime.class);

    private final TensorRtProbe.Result gpu;
    private final PlanCache cache;
    private final BuildOptions options;
    private final ChildProcessEngineBuilder builder;
    private final int maxSlots;

    public TensorRtRuntime(Path cacheDir, BuildOptions options, int maxSlots) throws InferenceException {
        this(cacheDir, options, maxSlots, new ChildProcessEngineBuilder());
    }

    TensorRtRuntime(Path cacheDir, BuildOptions options, int maxSlots, ChildProcessEngineBuilder builder)
            throws InferenceException {
        this.gpu = TensorRtProbe.probe();
        if (!gpu.available()) {
            throw new InferenceException("the TensorRT runtime cannot be used: " + gpu.describe()
                    + " (use --runtime cpu or auto)");
        }
        this.cache = new PlanCache(cacheDir);
        this.options = options;
        this.builder = builder;
        this.maxSlots = Math.max(1, maxSlots);
    }

    /** Service defaults: cache under {@code -Dvisionstreams.tensorrt.cacheDir} or ~/.cache/vision-streams/tensorrt. */
    public static TensorRtRuntime fromSystemProperties() throws InferenceException {
        return new TensorRtRuntime(defaultCacheDir(), BuildOptions.fromSystemProperties(),
                Integer.getInteger("visionstreams.tensorrt.slots", 2));
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

    @Override
    public InferenceSession open(ModelSource model) throws InferenceException {
        return openSession(model);
    }

    public TensorRtSession openSession(ModelSource model) throws InferenceException {
        String label = model.name() + ":" + model.version();
        PlanKey key = PlanKey.of(gpu, OnnxFacts.sha256(model.onnx()), options);
        PlanCache.CachedPlan plan = planFor(label, model, key);
        try {
            return TensorRtSession.load(model.name(), model.version(), plan, maxSlots);
        } catch (PlanRejectedException first) {
            // a plan that validates on disk but does not deserialize (e.g. driver change): rebuild once
            LOG.warn("{}: cached plan {} failed to load ({}); rebuilding", label, plan.directory(), first.getMessage());
            PlanCache.deleteQuietly(plan.directory());
            return TensorRtSession.load(model.name(), model.version(), build(label, model, key), maxSlots);
        }
    }

    private PlanCache.CachedPlan planFor(String label, ModelSource model, PlanKey key) throws InferenceException {
        PlanCache.Lookup lookup = cache.load(key);
        if (lookup.hit()) {
            LOG.info("{}: using cached TensorRT plan {}", label, lookup.plan().directory());
            return lookup.plan();
        }
        LOG.info("{}: {}; building", label, lookup.rejection());
        return build(label, model, key);
    }

    private PlanCache.CachedPlan build(String label, ModelSource model, PlanKey key) throws InferenceException {
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
            Files.write(onnx, model.onnx());
            builder.build(label, onnx, staging, options, cache.timingCacheFile(key));
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
