package io.visionstreams.inference.tensorrt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.inference.Tensor;
import io.visionstreams.inference.TensorSpec;

/**
 * One deserialized engine behind the {@link InferenceSession} SPI, so the batcher and topologies are unchanged.
 * The engine is shared; each concurrent caller gets an {@link ExecutionSlot} (context + stream + buffers), made
 * on first need up to {@code maxSlots} and reused after. Batches above the profile maximum are split.
 * {@link #close()} waits for in-flight runs, then frees slots and really deletes contexts and the engine
 * ({@link NativeDelete}); the process-wide runtime stays.
 */
public final class TensorRtSession implements InferenceSession {

    public static final String RUNTIME_NAME = "tensorrt";

    private final String name;
    private final String version;
    private final String label;
    private ICudaEngine engine;
    private final List<IoBinding> bindings;
    private final Map<String, TensorSpec> inputs;
    private final Map<String, TensorSpec> outputs;
    private final int maxBatch;
    private final int maxSlots;
    private final String precision;

    private final Deque<ExecutionSlot> idle = new ArrayDeque<>();
    private final List<ExecutionSlot> all = new ArrayList<>();
    private int created; // slots made or being made, guarded by idle
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private TensorRtSession(String name, String version, ICudaEngine engine, List<IoBinding> bindings, int maxBatch,
                            int maxSlots, String precision) {
        this.name = name;
        this.version = version;
        this.label = "TensorRT " + name + ":" + version;
        this.engine = engine;
        this.bindings = List.copyOf(bindings);
        this.maxBatch = maxBatch;
        this.maxSlots = maxSlots;
        this.precision = precision;
        Map<String, TensorSpec> in = new LinkedHashMap<>();
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        for (IoBinding b : bindings) {
            (b.input() ? in : out).put(b.name(), b.spec());
        }
        this.inputs = java.util.Collections.unmodifiableMap(in);
        this.outputs = java.util.Collections.unmodifiableMap(out);
    }

    /**
     * Deserializes a plan with the shared runtime, checks its I/O against the manifest and creates one slot as
     * a warm-up of the allocation path.
     */
    static TensorRtSession load(String name, String version, PlanCache.CachedPlan plan, int maxSlots)
            throws InferenceException {
        String label = "TensorRT " + name + ":" + version;
        IRuntime runtime = TrtNatives.runtime();
        TrtLogger log = TrtNatives.logger();
        ICudaEngine engine;
        synchronized (TrtNatives.class) { // serialise creation calls so errorsSince() is attributable
            long mark = log.mark();
            try (BytePointer bytes = new BytePointer(plan.plan())) {
                engine = runtime.deserializeCudaEngine(bytes, plan.plan().length);
            }
            List<String> errors = log.errorsSince(mark);
            if (engine == null || engine.isNull() || !errors.isEmpty()) {
                NativeDelete.delete(engine);
                throw new PlanRejectedException(label + ": the plan in " + plan.directory() + " did not deserialize"
                        + (errors.isEmpty() ? " (null engine)" : ": " + String.join("; ", errors)));
            }
        }
        try {
            List<IoBinding> bindings = discover(engine, label);
            checkAgainstManifest(bindings, plan.manifest(), label);
            int max = (int) profileMax(engine, bindings);
            TensorRtSession s = new TensorRtSession(name, version, engine, bindings, max, maxSlots,
                    plan.manifest().precision());
            s.created = 1;
            s.release(s.newSlot());
            return s;
        } catch (InferenceException | RuntimeException e) {
            NativeDelete.delete(engine);
            throw e;
        }
    }

    private static List<IoBinding> discover(ICudaEngine engine, String label) throws InferenceException {
        List<IoBinding> out = new ArrayList<>();
        int n = engine.getNbIOTensors();
        for (int i = 0; i < n; i++) {
            String t = engine.getIOTensorName(i);
            // enums from native code are not canonical: compare values (platform-notes §10.7)
            int mode = engine.getTensorIOMode(t).value;
            boolean input = mode == nvinfer.TensorIOMode.kINPUT.value;
            if (!input && mode != nvinfer.TensorIOMode.kOUTPUT.value) {
                continue;
            }
            int dtype = engine.getTensorDataType(t).value;
            Tensor.Type type;
            if (dtype == nvinfer.DataType.kFLOAT.value) {
                type = Tensor.Type.FLOAT32;
            } else if (dtype == nvinfer.DataType.kINT32.value) {
                type = Tensor.Type.INT32;
            } else {
                throw new InferenceException(label + ": I/O " + t + " is " + EngineBuildMain.dtype(dtype)
                        + "; the backend feeds float32 and int32 (FP16 models keep FP32 I/O)");
            }
            long[] shape;
            try (Dims64 d = engine.getTensorShape(t)) {
                shape = EngineBuildMain.dims(d);
            }
            try {
                out.add(new IoBinding(t, input, type, shape));
            } catch (IllegalArgumentException e) {
                throw new InferenceException(label + ": " + e.getMessage(), e);
            }
        }
        if (out.stream().noneMatch(IoBinding::input) || out.stream().allMatch(IoBinding::input)) {
            throw new InferenceException(label + ": engine needs at least one input and one output, has " + out);
        }
        return out;
    }

    private static long profileMax(ICudaEngine engine, List<IoBinding> bindings) throws InferenceException {
        long max = Long.MAX_VALUE;
        for (IoBinding b : bindings) {
            if (b.input()) {
                try (Dims64 d = engine.getProfileShape(b.name(), 0, nvinfer.OptProfileSelector.kMAX)) {
                    max = Math.min(max, d.d(0));
                }
            }
        }
        if (max < 1 || max > Integer.MAX_VALUE) {
            throw new InferenceException("engine profile has no usable maximum batch: " + max);
        }
        return max;
    }

    static void checkAgainstManifest(List<IoBinding> bindings, PlanManifest m, String label) throws InferenceException {
        if (PublishedPlans.isAdopted(m)) {
            return; // a signed release's plan: the deployment's contract and the golden check verify its I/O
        }
        List<PlanManifest.IoTensor> want = new ArrayList<>(m.inputs());
        want.addAll(m.outputs());
        for (IoBinding b : bindings) {
            PlanManifest.IoTensor t = want.stream().filter(w -> w.name().equals(b.name())).findFirst().orElse(null);
            if (t == null) {
                throw new InferenceException(label + ": engine tensor " + b.name() + " is not in the manifest");
            }
            String dtype = b.type() == Tensor.Type.FLOAT32 ? "float32" : "int32";
            if (!dtype.equals(t.dtype()) || !Arrays.equals(b.shape(), t.shape())) {
                throw new InferenceException(label + ": engine tensor " + b.name() + " is " + dtype
                        + Arrays.toString(b.shape()) + ", manifest says " + t.dtype() + Arrays.toString(t.shape()));
            }
        }
        if (want.size() != bindings.size()) {
            throw new InferenceException(label + ": manifest lists " + want.size() + " tensors, engine has "
                    + bindings.size());
        }
    }

    @Override
    public String modelName() {
        return name;
    }

    @Override
    public String modelVersion() {
        return version;
    }

    @Override
    public String runtimeName() {
        return RUNTIME_NAME;
    }

    @Override
    public Map<String, TensorSpec> inputs() {
        return inputs;
    }

    @Override
    public Map<String, TensorSpec> outputs() {
        return outputs;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public String precision() {
        return precision;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> in) throws InferenceException {
        int n = validate(in);
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new InferenceException(label + " is closed");
            }
            List<Map<String, Tensor>> parts = new ArrayList<>();
            for (int[] chunk : BatchSplitter.chunks(n, maxBatch)) {
                ExecutionSlot slot = acquire();
                try {
                    parts.add(slot.run(in, chunk[0], chunk[1]));
                } finally {
                    release(slot);
                }
            }
            return BatchSplitter.concat(parts);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private int validate(Map<String, Tensor> in) throws InferenceException {
        if (!in.keySet().equals(inputs.keySet())) {
            throw new InferenceException(label + ": expected inputs " + inputs.keySet() + ", got " + in.keySet());
        }
        long n = -1;
        for (IoBinding b : bindings) {
            if (!b.input()) {
                continue;
            }
            Tensor t = in.get(b.name());
            long[] s = t.shape();
            boolean shapeOk = t.type() == b.type() && s.length == b.shape().length;
            for (int k = 1; shapeOk && k < s.length; k++) {
                shapeOk = s[k] == b.shape()[k];
            }
            if (!shapeOk || s[0] < 1 || (n >= 0 && s[0] != n)) {
                throw new InferenceException(label + ": input " + b.name() + " is " + t + ", expected "
                        + b.type() + Arrays.toString(b.shape()) + " with one batch size across inputs");
            }
            n = s[0];
        }
        return Math.toIntExact(n);
    }

    private ExecutionSlot acquire() throws InferenceException {
        synchronized (idle) {
            while (true) {
                ExecutionSlot s = idle.pollFirst();
                if (s != null) {
                    return s;
                }
                if (created < maxSlots) {
                    created++;
                    break;
                }
                try {
                    idle.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InferenceException(label + ": interrupted waiting for an execution slot", e);
                }
            }
        }
        try {
            return newSlot();
        } catch (InferenceException | RuntimeException e) {
            synchronized (idle) {
                created--;
                idle.notifyAll();
            }
            throw e;
        }
    }

    private ExecutionSlot newSlot() throws InferenceException {
        ExecutionSlot s;
        synchronized (TrtNatives.class) {
            s = new ExecutionSlot(label + " slot " + all.size(), engine, bindings, maxBatch, TrtNatives.logger());
        }
        synchronized (idle) {
            all.add(s);
        }
        return s;
    }

    private void release(ExecutionSlot s) {
        synchronized (idle) {
            idle.addFirst(s);
            idle.notifyAll();
        }
    }

    /** Waits for in-flight runs, frees every slot, then deletes the engine. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            synchronized (idle) {
                all.forEach(ExecutionSlot::close);
                all.clear();
                idle.clear();
            }
            NativeDelete.delete(engine); // contexts first, then the engine (platform-notes §10.6)
            engine = null;
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
