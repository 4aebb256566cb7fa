package io.visionstreams.inference.tensorrt;

import java.util.List;

import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

import io.visionstreams.inference.InferenceException;

/**
 * Process-wide TensorRT state, created lazily and only after {@link TensorRtProbe} succeeded: the logger and
 * the one {@link IRuntime}. Both live until the JVM exits: TensorRT calls the logger from its threads and an
 * engine must not outlive its runtime, so neither is ever released. The static fields are what keeps them
 * strongly reachable.
 */
final class TrtNatives {

    private static TrtLogger logger;
    private static IRuntime runtime;

    private TrtNatives() {
    }

    static synchronized TrtLogger logger() {
        if (logger == null) {
            logger = new TrtLogger(Boolean.getBoolean("visionstreams.tensorrt.echoLog"));
        }
        return logger;
    }

    /** Installs a logger that also echoes to stderr (the child builder); must be the first call. */
    static synchronized TrtLogger echoingLogger() {
        if (logger == null) {
            logger = new TrtLogger(true);
        }
        return logger;
    }

    static synchronized IRuntime runtime() throws InferenceException {
        if (runtime == null) {
            TrtLogger log = logger();
            long mark = log.mark();
            IRuntime r = nvinfer.createInferRuntime(log);
            // on a CUDA init failure createInferRuntime returns a non-null bogus object and logs an error
            List<String> errors = log.errorsSince(mark);
            if (r == null || r.isNull() || !errors.isEmpty()) {
                throw new InferenceException("TensorRT createInferRuntime failed: "
                        + (errors.isEmpty() ? "returned null" : String.join("; ", errors)));
            }
            runtime = r;
        }
        return runtime;
    }
}
