package io.visionstreams.models;

import io.visionstreams.schema.ModelDescriptor;
import io.visionstreams.models.detection.StubDetector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the untrained stub detector to a zoo directory: model.onnx, model.json, MODEL_CARD.md.
 *
 * <p>Usage: {@code ExportStubDetector <output-dir> <seed>}. Same seed, same bytes.
 */
public final class ExportStubDetector {

    public static final String NAME = "detector";
    public static final String VERSION = "0-stub";
    public static final double SCALE = 0.003921569; // 1/255, rounded as readers print it
    public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);
    public static final int PAD_VALUE = 114;
    /** Seed of the committed zoo entry models/zoo/detector/0-stub. */
    public static final long ZOO_SEED = 20260101L;

    private ExportStubDetector() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ExportStubDetector <output-dir> <seed>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        ModelDescriptor d = export(dir, seed);
        System.out.println("wrote " + dir.resolve("model.onnx") + " sha256=" + d.sha256());
    }

    public static ModelDescriptor export(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        StubDetector.Export export = StubDetector.build(seed);
        byte[] onnx = export.bytes();
        Files.write(dir.resolve("model.onnx"), onnx);
        ModelDescriptor d = descriptor(ModelDescriptor.sha256Hex(onnx));
        d.write(dir.resolve(ModelDescriptor.FILE_NAME));
        Files.writeString(dir.resolve("MODEL_CARD.md"), modelCard(export, d, seed, onnx.length), StandardCharsets.UTF_8);
        return d;
    }

    public static ModelDescriptor descriptor(String sha256) {
        return new ModelDescriptor(NAME, VERSION, ModelDescriptor.TASK_DETECTION, "model.onnx", sha256,
                new ModelDescriptor.Input("images", "NCHW", StubDetector.INPUT_SIZE, StubDetector.INPUT_SIZE, "RGB",
                        SCALE, IMAGENET_MEAN, IMAGENET_STD, true, PAD_VALUE),
                new ModelDescriptor.Outputs("boxes", "scores", "cams", "class_logits"),
                StubDetector.DECODER, StubDetector.CAM_STRIDE, StubDetector.CLASSES, false);
    }

    static String modelCard(StubDetector.Export e, ModelDescriptor d, long seed, int bytes) {
        StringBuilder sb = new StringBuilder();
        int c = StubDetector.CLASSES.size();
        sb.append("# Model card: ").append(NAME).append(' ').append(VERSION).append("\n\n");
        sb.append("**Untrained stub: placeholder with the final I/O contract until the trainer ships the real "
                + "detector.** Its outputs are meaningless (random weights); use it to build and test consumers.\n\n");
        sb.append("| | |\n|---|---|\n");
        sb.append("| Task | detection, decoder `").append(d.decoder()).append("` (see models/README.md) |\n");
        sb.append("| Classes | ").append(String.join(", ", d.classes())).append(" (no background class) |\n");
        sb.append("| Input | `images` float32 [N,3,320,320], RGB, (pixel/255 - mean)/std, ImageNet mean/std, "
                + "letterboxed with pad 114 |\n");
        sb.append("| Outputs | `boxes` [N,").append(StubDetector.NUM_ANCHORS).append(",4] x1,y1,x2,y2 in input pixels; "
                + "`scores` [N,").append(StubDetector.NUM_ANCHORS).append(',').append(c)
                .append("] sigmoid; `cams` [N,").append(c).append(",20,20] (stride 16); `class_logits` [N,")
                .append(c).append("] |\n");
        sb.append("| Parameters | ").append(fmt(e.parameters())).append(" (trainable; BN running stats and anchor "
                + "constants excluded) |\n");
        sb.append("| Compute | ").append(fmt(e.macs())).append(" MACs = ").append(fmt(2 * e.macs()))
                .append(" FLOPs per 320x320 image (convolutions only, from the layer list below) |\n");
        sb.append("| ONNX | ").append(fmt(bytes)).append(" bytes, IR 8, opset 17 |\n");
        sb.append("| ONNX SHA-256 | `").append(d.sha256()).append("` |\n");
        sb.append("| Weights | seeded init, seed ").append(seed).append(": He-normal convs, identity BatchNorm, "
                + "prediction layers N(0, 0.01), class bias ").append(String.format(Locale.ROOT, "%.3f",
                StubDetector.PRIOR_BIAS)).append(" (prior 0.01) |\n\n");
        sb.append("## Architecture\n\n");
        sb.append("Stem conv stride 2, four stages of (conv3x3 stride 2 + one-conv residual unit) to strides 4/8/16/32, "
                + "FPN (1x1 laterals to 32 channels, nearest x2 upsample + add, conv3x3 smoothing) at strides 8/16/32, "
                + "a head shared over levels (conv3x3 + ReLU, then 1x1 to ltrb and 1x1 to class logits), box "
                + "decoding inside the graph, and a CAM branch on the stride-16 level: a GAP classifier whose "
                + "weights are also applied as a 1x1 conv (Zhou et al. 2016), so mean(cams) = class_logits.\n\n");
        sb.append("| Layer | Op | In | Out | Stride | Output | Params | MACs |\n|---|---|---|---|---|---|---|---|\n");
        for (StubDetector.Layer l : e.layers()) {
            sb.append("| ").append(l.name()).append(" | ").append(l.op()).append(" | ").append(l.inC())
                    .append(" | ").append(l.outC()).append(" | ").append(l.stride()).append(" | ")
                    .append(l.outH()).append('x').append(l.outW()).append(" | ")
                    .append(l.params() == 0 ? "shared" : fmt(l.params())).append(" | ").append(fmt(l.macs()))
                    .append(" |\n");
        }
        sb.append("\n## Regenerate\n\nFrom the repository root (byte-identical output for the same seed):\n\n```\n")
                .append(regenerateCommand(seed)).append("\n```\n");
        return sb.toString();
    }

    public static String regenerateCommand(long seed) {
        return "./mvnw -q -pl models compile exec:java -Dexec.args=\"models/zoo/" + NAME + "/" + VERSION + " " + seed + "\"";
    }

    private static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
