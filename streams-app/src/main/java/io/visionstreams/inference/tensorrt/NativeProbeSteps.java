package io.visionstreams.inference.tensorrt;

import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;

/**
 * The native half of {@link TensorRtProbe}: every line here may throw {@link UnsatisfiedLinkError}, so it is
 * only ever called inside the probe's {@code catch (Throwable)}. Order matters: cudart first (needs the driver),
 * then nvinfer (whose preset pulls cuBLAS, cuDNN and nvrtc JNI first), then the ONNX parser.
 */
final class NativeProbeSteps {

    private NativeProbeSteps() {
    }

    static void run(TensorRtProbe.Trace t, boolean forBuild) {
        t.step("load CUDA runtime (libcuda.so.1, libcudart.so.13)");
        Loader.load(cudart.class);
        t.ok("");

        t.step("cudaGetDeviceCount");
        int[] count = new int[1];
        int rc = cudart.cudaGetDeviceCount(count);
        if (rc != cudart.cudaSuccess) {
            t.fail(t.current, "rc " + rc + " (" + cudart.cudaGetErrorString(rc).getString() + ")");
            return;
        }
        if (count[0] < 1) {
            t.fail(t.current, "no CUDA device visible");
            return;
        }
        t.deviceCount = count[0];
        t.ok(count[0] + " device(s)");

        t.step("device 0 properties");
        int[] v = new int[1];
        if (cudart.cudaDriverGetVersion(v) == cudart.cudaSuccess) {
            t.driverVersion = v[0];
        }
        if (cudart.cudaRuntimeGetVersion(v) == cudart.cudaSuccess) {
            t.runtimeVersion = v[0];
        }
        int[] major = new int[1];
        int[] minor = new int[1];
        check(t, cudart.cudaDeviceGetAttribute(major, cudart.cudaDevAttrComputeCapabilityMajor, 0));
        check(t, cudart.cudaDeviceGetAttribute(minor, cudart.cudaDevAttrComputeCapabilityMinor, 0));
        t.ccMajor = major[0];
        t.ccMinor = minor[0];
        try (cudaDeviceProp prop = new cudaDeviceProp()) {
            check(t, cudart.cudaGetDeviceProperties(prop, 0));
            t.gpuName = prop.name().getString().trim();
            t.totalMemory = prop.totalGlobalMem();
        }
        t.cuda = true;
        t.ok(t.gpuName + ", compute " + t.ccMajor + "." + t.ccMinor + ", " + (t.totalMemory >> 20) + " MiB, driver "
                + t.driverVersion + ", runtime " + t.runtimeVersion);

        t.step("compute capability >= " + TensorRtProbe.MIN_CC_MAJOR + "." + TensorRtProbe.MIN_CC_MINOR);
        if (t.ccMajor < TensorRtProbe.MIN_CC_MAJOR
                || (t.ccMajor == TensorRtProbe.MIN_CC_MAJOR && t.ccMinor < TensorRtProbe.MIN_CC_MINOR)) {
            t.fail(t.current, "device 0 is " + t.ccMajor + "." + t.ccMinor);
            return;
        }
        t.ok("");

        t.step("load TensorRT (cuBLAS, cuDNN, nvrtc JNI, libnvinfer.so.11)");
        Loader.load(nvinfer.class);
        t.trtVersion = nvinfer.getInferLibVersion();
        t.nvinfer = true;
        t.ok("getInferLibVersion " + t.trtVersion);

        if (forBuild) {
            t.step("load ONNX parser (libnvonnxparser.so.11)");
            Loader.load(nvonnxparser.class);
            t.parser = true;
            t.ok("");
        }
        t.step("done");
    }

    private static void check(TensorRtProbe.Trace t, int rc) {
        if (rc != cudart.cudaSuccess) {
            throw new IllegalStateException(t.current + ": rc " + rc + " (" + cudart.cudaGetErrorString(rc).getString()
                    + ")");
        }
    }
}
