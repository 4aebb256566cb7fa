package io.visionstreams.models.style;

import java.nio.FloatBuffer;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.nn.Export;
import io.visionstreams.models.onnx.OnnxGraphBuilder;

/**
 * ONNX export of {@link StyleNet} with symbolic H and W, and a direct ORT parity check: the shared
 * {@code OnnxParity} feeds random-normal values to every input, which is meaningless (and can divide
 * by ~0) for the non-negative {@code style_weights} input.
 */
public final class StyleExport {

    private StyleExport() {
    }

    /** The exported graph; {@code images} and {@code stylized} get symbolic dims "H" and "W". */
    public static byte[] toOnnx(StyleNet net, Map<String, String> metadata) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("style_cin");
        g.docString("Feed-forward stylisation network with conditional instance norm and style blending "
                + "(models-stylisation.md). Input RGB in [-1,1], H and W multiples of 4.");
        metadata.forEach(g::metadata);
        net.emit(g);
        ModelProto m = g.build();
        // OnnxGraphBuilder only knows a symbolic batch dim; rewrite the spatial dims here rather than in the shared builder
        GraphProto.Builder gb = m.getGraph().toBuilder();
        for (int i = 0; i < gb.getInputCount(); i++) {
            if (gb.getInput(i).getName().equals(StyleNet.IMAGES)) {
                gb.setInput(i, spatialSymbolic(gb.getInput(i)));
            }
        }
        for (int i = 0; i < gb.getOutputCount(); i++) {
            gb.setOutput(i, spatialSymbolic(gb.getOutput(i)));
        }
        return m.toBuilder().setGraph(gb).build().toByteArray();
    }

    private static ValueInfoProto spatialSymbolic(ValueInfoProto v) {
        ValueInfoProto.Builder b = v.toBuilder();
        TensorShapeProto.Builder s = b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        s.setDim(2, TensorShapeProto.Dimension.newBuilder().setDimParam("H"));
        s.setDim(3, TensorShapeProto.Dimension.newBuilder().setDimParam("W"));
        return b.build();
    }

    /** Runs an ORT session on float images [N,3,H,W] and weights [N,S]; returns the flat output. */
    public static float[] run(OrtSession session, float[] images, long[] imageShape, float[] weights, long[] weightShape)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), imageShape);
             OnnxTensor w = OnnxTensor.createTensor(env, FloatBuffer.wrap(weights), weightShape);
             OrtSession.Result r = session.run(Map.of(StyleNet.IMAGES, x, StyleNet.WEIGHTS, w))) {
            FloatBuffer o = ((OnnxTensor) r.get(StyleNet.OUTPUT).orElseThrow()).getFloatBuffer();
            float[] out = new float[o.remaining()];
            o.get(out);
            return out;
        }
    }

    public static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        // ORT's pool spins after each run; that would steal the shared cores from libtorch (platform notes §6.3)
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        return o;
    }

    /** Max |ort − torch| / max |torch| on the given inputs (libtorch in eval, no grad). */
    public static double parity(StyleNet net, OrtSession session, Tensor images, Tensor weights) throws OrtException {
        net.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            float[] ref = Export.data(net.forward(images, weights));
            float[] ort = run(session, Export.data(images), Export.shape(images), Export.data(weights),
                    Export.shape(weights));
            if (ort.length != ref.length) {
                throw new IllegalStateException("ORT gave " + ort.length + " values, libtorch " + ref.length);
            }
            double maxAbs = 0;
            double maxRef = 0;
            for (int i = 0; i < ref.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(ort[i] - ref[i]));
                maxRef = Math.max(maxRef, Math.abs(ref[i]));
            }
            return maxRef == 0 ? maxAbs : maxAbs / maxRef;
        }
    }
}
