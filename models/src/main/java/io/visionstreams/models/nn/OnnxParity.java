package io.visionstreams.models.nn;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * The export gate: the ONNX graph, run by ONNX Runtime, must give what libtorch gives on the same
 * random inputs. Reports the largest difference relative to the largest reference magnitude.
 */
public final class OnnxParity {

    /** Largest |onnx − torch| and that divided by the largest |torch| value, over all outputs. */
    public record Result(double maxAbsDiff, double maxRelDiff, long values) {
        public boolean within(double relTolerance) {
            return maxRelDiff <= relTolerance;
        }
    }

    private OnnxParity() {
    }

    /** Exports {@code net} and compares on {@code batch} random-normal samples (seeded). */
    public static Result check(ExportableNet net, String graphName, int batch, long seed) throws OrtException {
        OnnxGraphBuilder g = new OnnxGraphBuilder(graphName);
        net.emit(g);
        return check(net, g.toByteArray(), batch, seed);
    }

    public static Result check(ExportableNet net, byte[] onnx, int batch, long seed) throws OrtException {
        List<long[]> shapes = new ArrayList<>();
        for (ExportableNet.Input in : net.inputs()) {
            long[] shape = in.shape().clone();
            shape[0] = batch;
            shapes.add(shape);
        }
        return check(net, onnx, shapes, seed);
    }

    /**
     * Compares on random-normal inputs of the given concrete shapes, one per input: for graphs with
     * symbolic dimensions besides the batch (fully convolutional nets with dynamic H and W).
     */
    public static Result check(ExportableNet net, byte[] onnx, List<long[]> shapes, long seed) throws OrtException {
        net.module().eval();
        manual_seed(seed);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard();
             OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
            List<Tensor> inputs = new ArrayList<>();
            Map<String, OnnxTensor> feeds = new HashMap<>();
            try {
                for (int i = 0; i < shapes.size(); i++) {
                    ExportableNet.Input in = net.inputs().get(i);
                    long[] shape = shapes.get(i);
                    Tensor t = randn(shape);
                    inputs.add(t);
                    feeds.put(in.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(Export.data(t)), shape));
                }
                List<Tensor> ref = net.forward(inputs);
                double maxAbs = 0;
                double maxRef = 0;
                long n = 0;
                try (OrtSession.Result out = session.run(feeds)) {
                    for (int i = 0; i < ref.size(); i++) {
                        float[] r = Export.data(ref.get(i));
                        FloatBuffer o = ((OnnxTensor) out.get(net.outputNames().get(i)).orElseThrow()).getFloatBuffer();
                        if (o.remaining() != r.length) {
                            throw new IllegalStateException("output " + net.outputNames().get(i) + " has " + o.remaining()
                                    + " values in ONNX, " + r.length + " in libtorch");
                        }
                        for (int k = 0; k < r.length; k++) {
                            maxAbs = Math.max(maxAbs, Math.abs(o.get(k) - r[k]));
                            maxRef = Math.max(maxRef, Math.abs(r[k]));
                        }
                        n += r.length;
                    }
                }
                return new Result(maxAbs, maxRef == 0 ? maxAbs : maxAbs / maxRef, n);
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        }
    }
}
