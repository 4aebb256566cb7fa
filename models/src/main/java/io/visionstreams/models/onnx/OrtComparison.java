package io.visionstreams.models.onnx;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Runs two ONNX models with the same graph inputs (an FP32 model and a variant of it) in ONNX Runtime
 * on the same seeded inputs and reports, per output, max |variant − reference| / max |reference|.
 * Inputs are uniform in [0, 1) (images after the usual scaling, non-negative blending weights); integer
 * inputs are 0; symbolic dimensions are 2 for the batch and {@code spatial} for any other.
 */
public final class OrtComparison {

    /** Per-output errors; {@link #maxRelDiff} over all outputs. */
    public record Result(Map<String, double[]> perOutput) {
        /** Largest relative difference over the outputs. */
        public double maxRelDiff() {
            return perOutput.values().stream().mapToDouble(d -> d[1]).max().orElse(0);
        }

        public String describe() {
            StringBuilder sb = new StringBuilder();
            perOutput.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "%s: max abs %.3g, rel %.3g; ",
                    k, v[0], v[1])));
            return sb.toString().strip();
        }
    }

    private OrtComparison() {
    }

    public static Result compare(byte[] reference, byte[] variant, int spatial, long seed) throws Exception {
        ModelProto m = ModelProto.parseFrom(reference);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(2);
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            Random r = new Random(seed);
            for (ValueInfoProto in : m.getGraph().getInputList()) {
                feeds.put(in.getName(), randomInput(env, in, spatial, r));
            }
            try (OrtSession ref = env.createSession(reference, so); OrtSession var = env.createSession(variant, so);
                 OrtSession.Result a = ref.run(feeds); OrtSession.Result b = var.run(feeds)) {
                Map<String, double[]> per = new LinkedHashMap<>();
                for (ValueInfoProto out : m.getGraph().getOutputList()) {
                    float[] x = values(a.get(out.getName()).orElseThrow());
                    float[] y = values(b.get(out.getName()).orElseThrow());
                    if (x.length != y.length) {
                        throw new IllegalStateException(out.getName() + ": " + x.length + " vs " + y.length + " values");
                    }
                    double maxAbs = 0;
                    double maxRef = 0;
                    for (int i = 0; i < x.length; i++) {
                        maxAbs = Math.max(maxAbs, Math.abs((double) y[i] - x[i]));
                        maxRef = Math.max(maxRef, Math.abs(x[i]));
                        if (Float.isNaN(y[i]) != Float.isNaN(x[i])) {
                            maxAbs = Double.POSITIVE_INFINITY;
                        }
                    }
                    per.put(out.getName(), new double[] {maxAbs, maxRef == 0 ? maxAbs : maxAbs / maxRef});
                }
                return new Result(per);
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor randomInput(OrtEnvironment env, ValueInfoProto in, int spatial, Random r)
            throws OrtException {
        List<Long> dims = new ArrayList<>();
        List<TensorShapeProto.Dimension> ds = in.getType().getTensorType().getShape().getDimList();
        for (int i = 0; i < ds.size(); i++) {
            TensorShapeProto.Dimension d = ds.get(i);
            dims.add(d.hasDimValue() ? d.getDimValue() : i == 0 ? 2L : spatial);
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        int n = (int) dims.stream().mapToLong(Long::longValue).reduce(1, (p, q) -> p * q);
        int type = in.getType().getTensorType().getElemType();
        if (type == TensorProto.DataType.FLOAT.getNumber()) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextFloat();
            }
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
        } else if (type == TensorProto.DataType.INT32.getNumber()) {
            return OnnxTensor.createTensor(env, IntBuffer.wrap(new int[n]), shape);
        } else if (type == TensorProto.DataType.INT64.getNumber()) {
            return OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape);
        }
        throw new IllegalArgumentException("input " + in.getName() + " has element type " + type
                + "; only float, int32 and int64 inputs are generated");
    }

    private static float[] values(ai.onnxruntime.OnnxValue v) {
        FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }
}
