package io.visionstreams.inference.tensorrt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.Tensor;

/**
 * Everything one concurrent caller needs to run the engine: an execution context (not thread-safe, so never
 * shared), its own non-blocking CUDA stream, device buffers and pinned host buffers sized for the profile's
 * maximum batch, and reused {@link Dims64} objects (each JavaCPP allocation takes a global lock). Used by one
 * thread at a time; the session hands slots out.
 */
final class ExecutionSlot implements AutoCloseable {

    private final String label;
    private final List<IoBinding> bindings;
    private final int maxBatch;
    private IExecutionContext context;
    private CUstream_st stream;
    private final Pointer[] device;
    private final Pointer[] host;
    private final Dims64[] shapes;

    ExecutionSlot(String label, ICudaEngine engine, List<IoBinding> bindings, int maxBatch, TrtLogger log)
            throws InferenceException {
        this.label = label;
        this.bindings = bindings;
        this.maxBatch = maxBatch;
        this.device = new Pointer[bindings.size()];
        this.host = new Pointer[bindings.size()];
        this.shapes = new Dims64[bindings.size()];
        try {
            long mark = log.mark();
            IExecutionContext ctx = engine.createExecutionContext();
            List<String> errors = log.errorsSince(mark);
            if (ctx == null || ctx.isNull() || !errors.isEmpty()) {
                NativeDelete.delete(ctx);
                throw new InferenceException(label + ": createExecutionContext failed"
                        + (errors.isEmpty() ? " (null)" : ": " + String.join("; ", errors)));
            }
            context = ctx;
            stream = new CUstream_st();
            CudaCheck.check(cudart.cudaStreamCreateWithFlags(stream, cudart.cudaStreamNonBlocking),
                    label + ": cudaStreamCreateWithFlags");
            for (int i = 0; i < bindings.size(); i++) {
                IoBinding b = bindings.get(i);
                long bytes = b.bytes(maxBatch);
                Pointer d = new Pointer();
                CudaCheck.check(cudart.cudaMalloc(d, bytes), label + ": cudaMalloc " + bytes + " B for " + b.name());
                device[i] = d;
                Pointer h = new Pointer();
                CudaCheck.check(cudart.cudaMallocHost(h, bytes),
                        label + ": cudaMallocHost " + bytes + " B for " + b.name());
                host[i] = h;
                if (!context.setTensorAddress(b.name(), d)) {
                    throw new InferenceException(label + ": setTensorAddress(" + b.name() + ") refused");
                }
                if (b.input()) {
                    Dims64 s = new Dims64();
                    s.nbDims(b.shape().length);
                    for (int k = 1; k < b.shape().length; k++) {
                        s.d(k, b.shape()[k]);
                    }
                    shapes[i] = s;
                }
            }
        } catch (InferenceException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Runs samples [offset, offset + n) of {@code in}; n must be within the profile. */
    Map<String, Tensor> run(Map<String, Tensor> in, int offset, int n) throws InferenceException {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("chunk of " + n + " outside profile 1.." + maxBatch);
        }
        for (int i = 0; i < bindings.size(); i++) {
            IoBinding b = bindings.get(i);
            if (!b.input()) {
                continue;
            }
            Tensor t = in.get(b.name());
            int per = Math.toIntExact(b.sampleElements());
            int from = offset * per;
            int len = n * per;
            if (b.type() == Tensor.Type.FLOAT32) {
                new FloatPointer(host[i]).put(t.floats(), from, len);
            } else {
                new IntPointer(host[i]).put(t.ints(), from, len);
            }
            CudaCheck.check(cudart.cudaMemcpyAsync(device[i], host[i], b.bytes(n), cudart.cudaMemcpyHostToDevice,
                    stream), label + ": copy " + b.name() + " to the GPU");
            shapes[i].d(0, n);
            if (!context.setInputShape(b.name(), shapes[i])) {
                throw new InferenceException(label + ": setInputShape(" + b.name() + ", batch " + n + ") refused");
            }
        }
        TrtLogger log = TrtNatives.logger();
        if (!context.enqueueV3(stream)) {
            // drain what was queued so the buffers are not in use when the caller retries
            CudaCheck.warn(cudart.cudaStreamSynchronize(stream), label + ": synchronize after failed enqueue");
            throw new InferenceException(label + ": enqueueV3 failed: " + log.recentMessages());
        }
        for (int i = 0; i < bindings.size(); i++) {
            IoBinding b = bindings.get(i);
            if (!b.input()) {
                CudaCheck.check(cudart.cudaMemcpyAsync(host[i], device[i], b.bytes(n), cudart.cudaMemcpyDeviceToHost,
                        stream), label + ": copy " + b.name() + " from the GPU");
            }
        }
        // also surfaces asynchronous kernel faults
        CudaCheck.check(cudart.cudaStreamSynchronize(stream), label + ": cudaStreamSynchronize");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < bindings.size(); i++) {
            IoBinding b = bindings.get(i);
            if (b.input()) {
                continue;
            }
            int len = Math.toIntExact(n * b.sampleElements());
            if (b.type() == Tensor.Type.FLOAT32) {
                float[] data = new float[len];
                new FloatPointer(host[i]).get(data, 0, len);
                out.put(b.name(), Tensor.ofFloats(b.batchShape(n), data));
            } else {
                int[] data = new int[len];
                new IntPointer(host[i]).get(data, 0, len);
                out.put(b.name(), Tensor.ofInts(b.batchShape(n), data));
            }
        }
        return out;
    }

    /** Frees buffers and the stream, then really deletes the context (before the engine is deleted). */
    @Override
    public void close() {
        if (stream != null && !stream.isNull()) {
            CudaCheck.warn(cudart.cudaStreamSynchronize(stream), label + ": synchronize before close");
        }
        for (int i = 0; i < device.length; i++) {
            if (device[i] != null && !device[i].isNull()) {
                CudaCheck.warn(cudart.cudaFree(device[i]), label + ": cudaFree");
                device[i].setNull();
            }
            if (host[i] != null && !host[i].isNull()) {
                CudaCheck.warn(cudart.cudaFreeHost(host[i]), label + ": cudaFreeHost");
                host[i].setNull();
            }
            if (shapes[i] != null) {
                shapes[i].close();
                shapes[i] = null;
            }
        }
        if (stream != null && !stream.isNull()) {
            CudaCheck.warn(cudart.cudaStreamDestroy(stream), label + ": cudaStreamDestroy");
            stream.setNull();
        }
        stream = null;
        if (context != null) {
            NativeDelete.delete(context);
            context = null;
        }
    }
}
