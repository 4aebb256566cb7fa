package io.visionstreams.inference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --runtime auto} on a host where TensorRT loads: each model opens on TensorRT, and a model TensorRT cannot
 * serve opens on ONNX Runtime instead, with one warning naming the model and the reason. Loading the libraries is
 * not enough to serve: on an H100 with only the Maven Central {@code -redist} libraries the builder cannot be
 * created (no {@code libnvinfer_builder_resource_sm90}), and models with dynamic spatial axes (stylisation, stereo
 * cost) are refused by the engine builder. Without this, auto would fail the whole instance at the first model.
 */
final class AutoRuntime implements InferenceRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(AutoRuntime.class);

    private final InferenceRuntime gpu;
    private final int intraOpThreads;
    private OnnxRuntimeBackend cpu; // created on the first fallback; guarded by this

    AutoRuntime(InferenceRuntime gpu, int intraOpThreads) {
        this.gpu = gpu;
        this.intraOpThreads = intraOpThreads;
    }

    @Override
    public String name() {
        return "auto(" + gpu.name() + ", else onnxruntime-cpu)";
    }

    @Override
    public InferenceSession open(ModelSource model) throws InferenceException {
        try {
            return gpu.open(model);
        } catch (InferenceException e) {
            LOG.warn("runtime auto: {}:{} opens on ONNX Runtime on the CPU, TensorRT could not serve it: {}",
                    model.name(), model.version(), firstLine(e.getMessage()));
            return cpu().open(model);
        }
    }

    private synchronized OnnxRuntimeBackend cpu() throws InferenceException {
        if (cpu == null) {
            cpu = new OnnxRuntimeBackend(intraOpThreads, 1);
        }
        return cpu;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public synchronized void close() {
        try {
            gpu.close();
        } finally {
            if (cpu != null) {
                cpu.close();
            }
        }
    }
}
