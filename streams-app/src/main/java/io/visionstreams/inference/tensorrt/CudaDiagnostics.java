package io.visionstreams.inference.tensorrt;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

import io.visionstreams.inference.InferenceException;

/** CUDA-only checks for {@link GpuCheck} and the GPU tests; call only when the probe's {@code cuda()} is true. */
public final class CudaDiagnostics {

    private CudaDiagnostics() {
    }

    /** Bytes of device memory in use on the current device (total - free), from cudaMemGetInfo. */
    public static long usedDeviceBytes() throws InferenceException {
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            CudaCheck.check(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return total.get() - free.get();
        }
    }

    /**
     * Pinned host buffer -> device -> second device buffer -> pinned host buffer on a non-blocking stream, then
     * compares. Returns a one-line summary; throws on any CUDA error or mismatch.
     */
    public static String pinnedRoundTrip(int floats) throws InferenceException {
        long bytes = 4L * floats;
        CUstream_st stream = new CUstream_st();
        Pointer hIn = new Pointer();
        Pointer hOut = new Pointer();
        Pointer d1 = new Pointer();
        Pointer d2 = new Pointer();
        try {
            CudaCheck.check(cudart.cudaStreamCreateWithFlags(stream, cudart.cudaStreamNonBlocking),
                    "cudaStreamCreateWithFlags");
            CudaCheck.check(cudart.cudaMallocHost(hIn, bytes), "cudaMallocHost");
            CudaCheck.check(cudart.cudaMallocHost(hOut, bytes), "cudaMallocHost");
            CudaCheck.check(cudart.cudaMalloc(d1, bytes), "cudaMalloc");
            CudaCheck.check(cudart.cudaMalloc(d2, bytes), "cudaMalloc");
            float[] data = new float[floats];
            for (int i = 0; i < floats; i++) {
                data[i] = i * 0.5f - 17f;
            }
            new FloatPointer(hIn).put(data, 0, floats);
            new FloatPointer(hOut).put(new float[floats], 0, floats);
            long t0 = System.nanoTime();
            CudaCheck.check(cudart.cudaMemcpyAsync(d1, hIn, bytes, cudart.cudaMemcpyHostToDevice, stream), "H2D");
            CudaCheck.check(cudart.cudaMemcpyAsync(d2, d1, bytes, cudart.cudaMemcpyDeviceToDevice, stream), "D2D");
            CudaCheck.check(cudart.cudaMemcpyAsync(hOut, d2, bytes, cudart.cudaMemcpyDeviceToHost, stream), "D2H");
            CudaCheck.check(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
            long micros = (System.nanoTime() - t0) / 1000;
            float[] back = new float[floats];
            new FloatPointer(hOut).get(back, 0, floats);
            for (int i = 0; i < floats; i++) {
                if (Float.compare(back[i], data[i]) != 0) {
                    throw new InferenceException("round trip mismatch at " + i + ": " + back[i] + " != " + data[i]);
                }
            }
            return floats + " floats pinned->device->device->pinned on a non-blocking stream: identical ("
                    + micros + " us)";
        } finally {
            if (!d1.isNull()) {
                CudaCheck.warn(cudart.cudaFree(d1), "cudaFree");
            }
            if (!d2.isNull()) {
                CudaCheck.warn(cudart.cudaFree(d2), "cudaFree");
            }
            if (!hIn.isNull()) {
                CudaCheck.warn(cudart.cudaFreeHost(hIn), "cudaFreeHost");
            }
            if (!hOut.isNull()) {
                CudaCheck.warn(cudart.cudaFreeHost(hOut), "cudaFreeHost");
            }
            if (!stream.isNull()) {
                CudaCheck.warn(cudart.cudaStreamDestroy(stream), "cudaStreamDestroy");
            }
        }
    }
}
