package io.visionstreams.models.patch;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.onnx.OnnxChecker;
import io.visionstreams.models.nn.ExportableNet;
import io.visionstreams.models.nn.OnnxParity;
import io.visionstreams.models.onnx.OnnxGraphBuilder;
import io.visionstreams.schema.ModelDescriptor;

/** Writes a trained patch net as a zoo entry: model.onnx, model.json, MODEL_CARD.md. */
public final class PatchZoo {

    public record Written(ModelDescriptor descriptor, OnnxParity.Result parity, double ortMsPerBatch, int ortBatch,
                          long bytes) {
    }

    private PatchZoo() {
    }

    /** The exported network: the -l2 descriptor, or the pair scorer (optionally symmetric). */
    public static ExportableNet exportable(PatchNet net, String arch, boolean symmetric) {
        return PatchNets.isDescriptor(arch) ? net.descriptor() : net.symmetric(symmetric);
    }

    public static Written write(Path dir, String name, String version, String arch, PatchNet net, boolean symmetric,
                                boolean trained, String cardBody) throws IOException, OrtException {
        Files.createDirectories(dir);
        ExportableNet ex = exportable(net, arch, symmetric);
        net.eval();
        OnnxGraphBuilder g = new OnnxGraphBuilder(name).docString("vision-streams patch net " + arch);
        ex.emit(g);
        byte[] onnx = g.toByteArray();
        OnnxChecker.writeChecked(dir.resolve("model.onnx"), onnx);
        OnnxParity.Result parity = OnnxParity.check(ex, onnx, 8, 1234);
        if (!parity.within(1e-4)) {
            throw new IllegalStateException("ONNX parity failed: " + parity);
        }
        int batch = 64;
        double ms = ortSpeed(onnx, ex, batch);
        boolean desc = PatchNets.isDescriptor(arch);
        String input = ex.inputs().get(0).name();
        ModelDescriptor d = new ModelDescriptor(name, version,
                desc ? ModelDescriptor.TASK_PATCH_DESCRIPTOR : ModelDescriptor.TASK_PATCH_MATCHING, "model.onnx",
                ModelDescriptor.sha256Hex(onnx),
                new ModelDescriptor.Input(input, "NCHW", PatchOps.SIZE, PatchOps.SIZE, ModelDescriptor.GRAY,
                        1.0 / 255, List.of(0.0), List.of(1.0), false, 0),
                desc ? new ModelDescriptor.Outputs(null, null, null, null, "descriptors")
                        : new ModelDescriptor.Outputs(null, "score", null, null, null),
                null, null, null, trained);
        d.write(dir.resolve(ModelDescriptor.FILE_NAME));
        Written w = new Written(d, parity, ms, batch, onnx.length);
        Files.writeString(dir.resolve("MODEL_CARD.md"), cardBody.replace("@@EXPORT@@", exportSection(w, ex, arch)),
                StandardCharsets.UTF_8);
        return w;
    }

    static String exportSection(Written w, ExportableNet ex, String arch) {
        StringBuilder sb = new StringBuilder();
        sb.append("| ONNX | ").append(String.format(Locale.ROOT, "%,d", w.bytes())).append(" bytes, IR 8, opset 17 |\n");
        sb.append("| ONNX SHA-256 | `").append(w.descriptor().sha256()).append("` |\n");
        sb.append("| ONNX checker | passes (onnx 1.17 `check_model`, full check; run on the written file) |\n");
        sb.append("| Inputs | ");
        for (ExportableNet.Input in : ex.inputs()) {
            sb.append('`').append(in.name()).append("` float32 [N,").append(in.shape()[1]).append(",64,64] ");
        }
        sb.append("|\n| Output | `").append(ex.outputNames().get(0)).append("` |\n");
        sb.append(String.format(Locale.ROOT, "| ORT vs libtorch parity | max abs %.3g, rel %.3g (gate 1e-4) |%n",
                w.parity().maxAbsDiff(), w.parity().maxRelDiff()));
        sb.append(String.format(Locale.ROOT, "| ORT CPU speed | %.1f ms per batch of %d %s (2 intra-op threads, "
                + "no spinning) = %.0f %s/s |%n", w.ortMsPerBatch(), w.ortBatch(),
                PatchNets.isDescriptor(arch) ? "patches" : "pairs", w.ortBatch() * 1000.0 / w.ortMsPerBatch(),
                PatchNets.isDescriptor(arch) ? "patches" : "pairs"));
        return sb.toString();
    }

    /** Median of timed runs after warm-up. */
    static double ortSpeed(byte[] onnx, ExportableNet ex, int batch) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(2);
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
        try (OrtSession s = env.createSession(onnx, so)) {
            Map<String, OnnxTensor> feeds = new java.util.HashMap<>();
            java.util.Random r = new java.util.Random(1);
            for (ExportableNet.Input in : ex.inputs()) {
                long[] shape = in.shape().clone();
                shape[0] = batch;
                float[] data = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
                for (int i = 0; i < data.length; i++) {
                    data[i] = r.nextFloat();
                }
                feeds.put(in.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
            }
            try {
                double[] t = new double[7];
                for (int i = -2; i < t.length; i++) {
                    long t0 = System.nanoTime();
                    s.run(feeds).close();
                    if (i >= 0) {
                        t[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                java.util.Arrays.sort(t);
                return t[t.length / 2];
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        }
    }
}
