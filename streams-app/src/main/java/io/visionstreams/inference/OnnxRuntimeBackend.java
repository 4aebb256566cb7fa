package io.visionstreams.inference;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * CPU backend on ONNX Runtime. One {@link OrtSession} per model version, created once and shared by
 * every caller (ORT sessions are thread-safe for {@code run}). Spinning of the intra-op pool is
 * disabled: with two cores shared by Kafka threads, JPEG decoding and inference, a spinning pool
 * steals the cores the other stages need.
 */
public final class OnnxRuntimeBackend implements InferenceRuntime {

    public static final String NAME = "onnxruntime-cpu";

    private final OrtEnvironment env;
    private final int intraOpThreads;
    private final int interOpThreads;

    /**
     * @param intraOpThreads threads per operator (0 = ORT default: one per core)
     * @param interOpThreads threads across operators (1 is right for sequential CNNs)
     */
    public OnnxRuntimeBackend(int intraOpThreads, int interOpThreads) {
        this.env = OrtEnvironment.getEnvironment();
        this.intraOpThreads = intraOpThreads;
        this.interOpThreads = interOpThreads;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InferenceSession open(ModelSource model) throws InferenceException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                opts.setIntraOpNumThreads(intraOpThreads);
            }
            opts.setInterOpNumThreads(Math.max(1, interOpThreads));
            opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            opts.addConfigEntry("session.inter_op.allow_spinning", "0");
            OrtSession session = env.createSession(model.onnx(), opts);
            try {
                return new OrtInferenceSession(env, session, model.name(), model.version());
            } catch (InferenceException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime cannot load model " + model.name() + ":" + model.version()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // the OrtEnvironment is a process-wide singleton; sessions are closed by their owners
    }

    private static final class OrtInferenceSession implements InferenceSession {
        private final OrtEnvironment env;
        private final OrtSession session;
        private final String name;
        private final String version;
        private final Map<String, TensorSpec> inputs;
        private final Map<String, TensorSpec> outputs;

        OrtInferenceSession(OrtEnvironment env, OrtSession session, String name, String version)
                throws InferenceException {
            this.env = env;
            this.session = session;
            this.name = name;
            this.version = version;
            try {
                this.inputs = specs(session.getInputInfo());
                this.outputs = specs(session.getOutputInfo());
            } catch (OrtException e) {
                throw new InferenceException("cannot read I/O of model " + name + ":" + version, e);
            }
        }

        private Map<String, TensorSpec> specs(Map<String, NodeInfo> infos) throws InferenceException {
            Map<String, TensorSpec> out = new LinkedHashMap<>();
            for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
                if (!(e.getValue().getInfo() instanceof TensorInfo ti)) {
                    throw new InferenceException("model " + name + ": I/O " + e.getKey() + " is not a tensor");
                }
                Tensor.Type type;
                if (ti.type == OnnxJavaType.FLOAT) {
                    type = Tensor.Type.FLOAT32;
                } else if (ti.type == OnnxJavaType.INT32) {
                    type = Tensor.Type.INT32;
                } else {
                    throw new InferenceException("model " + name + ": I/O " + e.getKey() + " has unsupported type "
                            + ti.type + " (float32 and int32 are supported)");
                }
                out.put(e.getKey(), new TensorSpec(e.getKey(), type, ti.getShape()));
            }
            return Map.copyOf(out);
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
            return NAME;
        }

        @Override
        public Map<String, TensorSpec> inputs() {
            return inputs;
        }

        @Override
        public Map<String, TensorSpec> outputs() {
            return outputs;
        }

        @Override
        public Map<String, Tensor> run(Map<String, Tensor> in) throws InferenceException {
            return run(in, null);
        }

        @Override
        public Map<String, Tensor> run(Map<String, Tensor> in, java.util.Set<String> outputNames) throws InferenceException {
            if (outputNames != null && !outputs.keySet().containsAll(outputNames)) {
                throw new InferenceException("model " + name + ":" + version + " has no output(s) " + outputNames
                        + " (outputs: " + outputs.keySet() + ")");
            }
            Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, Tensor> e : in.entrySet()) {
                    Tensor t = e.getValue();
                    feeds.put(e.getKey(), t.type() == Tensor.Type.FLOAT32
                            ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), t.shape())
                            : OnnxTensor.createTensor(env, IntBuffer.wrap(t.ints()), t.shape()));
                }
                // fetch only what was asked for: unrequested outputs are neither copied out nor converted
                try (OrtSession.Result result = outputNames == null ? session.run(feeds) : session.run(feeds, outputNames)) {
                    Map<String, Tensor> out = new LinkedHashMap<>();
                    for (Map.Entry<String, OnnxValue> e : result) {
                        OnnxTensor t = (OnnxTensor) e.getValue();
                        long[] shape = t.getInfo().getShape();
                        if (t.getInfo().type == OnnxJavaType.INT32) {
                            IntBuffer b = t.getIntBuffer();
                            int[] data = new int[b.remaining()];
                            b.get(data);
                            out.put(e.getKey(), Tensor.ofInts(shape, data));
                        } else {
                            FloatBuffer b = t.getFloatBuffer();
                            float[] data = new float[b.remaining()];
                            b.get(data);
                            out.put(e.getKey(), Tensor.ofFloats(shape, data));
                        }
                    }
                    return out;
                }
            } catch (OrtException | RuntimeException e) {
                throw new InferenceException("model " + name + ":" + version + " failed on " + in + ": " + e.getMessage(), e);
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("closing ORT session of " + name + ":" + version, e);
            }
        }
    }
}
