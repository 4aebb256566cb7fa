package io.visionstreams.models.stereo;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.data.SyntheticStereoGenerator.StereoPair;
import io.visionstreams.schema.ModelDescriptor;

/**
 * Stereo features from a zoo entry's {@code model.onnx} through ONNX Runtime, what the service runs:
 * both views as one batch of 2, input pixel/255 as the descriptor's scale says.
 */
public final class OrtStereoFeatures implements StereoTrainer.FeatureSource, AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;
    private final String output;
    private final float scale;

    /** Opens {@code dir/model.json} (verified against its ONNX SHA-256) and the model it names. */
    public static OrtStereoFeatures open(Path dir, int threads) throws Exception {
        Path json = dir.resolve(ModelDescriptor.FILE_NAME);
        ModelDescriptor d = ModelDescriptor.read(json);
        d.verifyOnnx(json);
        if (!ModelDescriptor.TASK_STEREO_FEATURES.equals(d.task())) {
            throw new IllegalArgumentException(dir + " is a " + d.task() + " model, not " + ModelDescriptor.TASK_STEREO_FEATURES);
        }
        return new OrtStereoFeatures(Files.readAllBytes(dir.resolve(d.onnx())), d.input().name(), d.outputs().features(),
                (float) d.input().scale(), threads);
    }

    OrtStereoFeatures(byte[] onnx, String input, String output, float scale, int threads) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
        this.session = env.createSession(onnx, so);
        this.input = input;
        this.output = output;
        this.scale = scale;
    }

    @Override
    public float[][] features(StereoPair p) {
        int n = p.width() * p.height();
        float[] both = new float[2 * n];
        for (int i = 0; i < n; i++) {
            both[i] = (p.left()[i] & 0xff) * scale;
            both[n + i] = (p.right()[i] & 0xff) * scale;
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(both), new long[] {2, 1, p.height(), p.width()});
             OrtSession.Result r = session.run(Map.of(input, t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
            float[] left = new float[fb.remaining() / 2];
            float[] right = new float[left.length];
            fb.get(left).get(right);
            return new float[][] {left, right};
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a " + p.width() + "x" + p.height() + " pair: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
