package io.visionstreams.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.visionstreams.models.onnx.OnnxChecker;
import io.visionstreams.models.style.StyleEval;
import io.visionstreams.models.style.StyleExport;
import io.visionstreams.models.style.StyleImages;
import io.visionstreams.models.style.StyleNet;
import io.visionstreams.models.style.StyleTrainer;
import io.visionstreams.models.style.StyleZoo;
import io.visionstreams.schema.ModelDescriptor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Minimal entry point until the trainer CLI exists: {@code train style --content DIR --styles F1,F2 ...}.
 * Trains, evaluates on held-out content, and writes a zoo entry (model.onnx, model.json, MODEL_CARD.md).
 */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        subcommands = {StyleTrainMain.Train.class, StyleTrainMain.Stylize.class})
public final class StyleTrainMain {

    @Command(name = "stylize", mixinStandardHelpOptions = true,
            description = "Run a stylisation zoo entry (ONNX, ORT) on one image: one PNG per style and a 50/50 blend.")
    static final class Stylize implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "zoo entry folder with model.json and model.onnx")
        Path model;
        @Option(names = "--image", required = true)
        Path image;
        @Option(names = "--longest", defaultValue = "256", description = "resize so the longer side is this")
        int longest;
        @Option(names = "--out", required = true)
        Path out;

        @Override
        public Integer call() throws Exception {
            Path json = model.resolve(ModelDescriptor.FILE_NAME);
            ModelDescriptor d = ModelDescriptor.read(json);
            d.verifyOnnx(json);
            byte[] onnx = Files.readAllBytes(model.resolve(d.onnx()));
            for (Path f : StyleZoo.examples(onnx, image, d.stylization().styles(), longest, out)) {
                System.out.println("wrote " + f);
            }
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, subcommands = Style.class,
            description = "Train a model.")
    static final class Train {
    }

    /** {@code grouped} / {@code every-5th} on the command line. */
    static final class SplitConverter implements CommandLine.ITypeConverter<StyleTrainer.ContentSplit> {
        @Override
        public StyleTrainer.ContentSplit convert(String v) {
            return switch (v) {
                case "grouped" -> StyleTrainer.ContentSplit.GROUPED;
                case "every-5th" -> StyleTrainer.ContentSplit.EVERY_5TH;
                default -> throw new CommandLine.TypeConversionException("expected grouped or every-5th, got " + v);
            };
        }

        static String name(StyleTrainer.ContentSplit s) {
            return s == StyleTrainer.ContentSplit.GROUPED ? "grouped" : "every-5th";
        }
    }

    @Command(name = "style", mixinStandardHelpOptions = true,
            description = "Multi-style feed-forward stylisation (CIN) with a random-feature loss network.")
    static final class Style implements Callable<Integer> {
        @Option(names = "--content", required = true, description = "folder of content images (style images in it are left out)")
        Path content;
        @Option(names = "--content-split", defaultValue = "grouped", converter = SplitConverter.class,
                description = "held-out content: grouped (ImageFolder.split 0.2, seed 1; sequences on one side) or "
                        + "every-5th (every 5th file by name, as style-cin/1 was trained)")
        StyleTrainer.ContentSplit contentSplit;
        @Option(names = "--styles", required = true, split = ",", description = "style image files")
        List<Path> styles;
        @Option(names = "--steps", defaultValue = "200")
        int steps;
        @Option(names = "--size", defaultValue = "128", description = "training crop size (multiple of 4)")
        int size;
        @Option(names = "--batch", defaultValue = "2")
        int batch;
        @Option(names = "--width", defaultValue = "1", description = "width factor: 1 = 16/32/64 filters")
        int width;
        @Option(names = "--seed", defaultValue = "1")
        long seed;
        @Option(names = "--loss-seed", defaultValue = "20260202", description = "seed of the random loss network")
        long lossSeed;
        @Option(names = "--style-size", defaultValue = "256", description = "longest side of the style images for the Gram targets")
        int styleSize;
        @Option(names = "--content-weight", defaultValue = "1.0")
        double contentWeight;
        @Option(names = "--style-weight", defaultValue = "10.0")
        double styleWeight;
        @Option(names = "--style-weights", split = ",",
                description = "per-style multipliers of --style-weight, one per style in --styles order "
                        + "(e.g. 1,1,1,0.3 to weaken a style whose loss swamps the content); default all 1")
        List<Double> styleWeights = new ArrayList<>();
        @Option(names = "--tv-weight", defaultValue = "0.05")
        double tvWeight;
        @Option(names = "--lr", defaultValue = "1e-3")
        double lr;
        @Option(names = "--threads", defaultValue = "2")
        int threads;
        @Option(names = "--out", required = true, description = "zoo entry folder, e.g. models/zoo/style-cin/2")
        Path out;
        @Option(names = "--name", defaultValue = "style-cin")
        String name;
        @Option(names = "--version", defaultValue = "1")
        String version;
        @Option(names = "--checkpoint", description = "resumable training checkpoint (weights, Adam state, step, loss "
                + "history), written every --checkpoint-every steps and at the end (not in the zoo)")
        Path checkpoint;
        @Option(names = "--checkpoint-every", defaultValue = "0", description = "steps between checkpoints (0 = at the end only)")
        int checkpointEvery;
        @Option(names = "--resume", description = "continue from a --checkpoint file of a run with the same options")
        Path resume;
        @Option(names = "--examples", description = "write example PNGs (each style, a 50/50 blend) here")
        Path examples;
        @Option(names = "--compare-with", description = "a zoo entry with the same styles (e.g. the version this one "
                + "replaces): evaluated through ONNX Runtime on the same held-out crops, as extra table rows")
        Path compareWith;
        @Option(names = "--log-every", defaultValue = "25")
        int logEvery;
        @Option(names = "--max-minutes", defaultValue = "0",
                description = "stop training after this many minutes even if --steps is not reached (0 = no limit)")
        double maxMinutes;

        @Override
        public Integer call() throws Exception {
            StyleTrainer.Config cfg = new StyleTrainer.Config(content, styles, steps, size, batch, width, seed, lossSeed,
                    styleSize, lr, contentWeight, styleWeight, tvWeight, threads, contentSplit, styleWeights);
            StyleTrainer t = new StyleTrainer(cfg);
            System.out.printf("styles %s; content: %d training images, %d held out %s%n", t.styleNames(),
                    names(t.content().train()).size(), names(t.content().validation()).size(), names(t.content().validation()));
            StyleNet untrained = new StyleNet(styles.size(), width, seed); // same init the training starts from
            long t0 = System.nanoTime();
            long deadline = maxMinutes > 0 ? t0 + (long) (maxMinutes * 60e9) : Long.MAX_VALUE;
            t.train(step -> {
                if (System.nanoTime() > deadline) {
                    t.stop();
                }
                if (step % logEvery == 0 || step == steps) {
                    StyleTrainer.Losses m = t.recentMean(step - logEvery, step);
                    System.out.printf(Locale.ROOT, "step %d/%d  total %.4f  content %.4f  style %.4f  tv %.4f  |g| %.3g  skipped %d  (%.1f s)%n",
                            step, steps, m.total(), m.content(), m.style(), m.tv(), t.lastGradNorm(), t.skipped(),
                            (System.nanoTime() - t0) / 1e9);
                }
            }, new StyleTrainer.Checkpointing(checkpoint, checkpointEvery, resume));
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            steps = t.history().size(); // the card reports (and the reproducing command uses) the steps actually run

            List<StyleEval.Row> rows;
            String comparedLabel = null;
            OrtSession compared = null;
            if (compareWith != null) {
                Path json = compareWith.resolve(ModelDescriptor.FILE_NAME);
                ModelDescriptor other = ModelDescriptor.read(json);
                other.verifyOnnx(json);
                if (other.stylization() == null || !other.stylization().styles().equals(t.styleNames())) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--compare-with " + compareWith
                            + ": its styles " + (other.stylization() == null ? "(none)" : other.stylization().styles())
                            + " differ from " + t.styleNames());
                }
                compared = OrtEnvironment.getEnvironment().createSession(
                        Files.readAllBytes(compareWith.resolve(other.onnx())), StyleExport.options(threads));
                comparedLabel = other.name() + "/" + other.version() + " (ORT)";
            }
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor held = t.heldOutCrops(1, 99);
                long e0 = System.nanoTime();
                rows = StyleEval.evaluate(t, untrained, held, compared == null ? null : StyleEval.onnx(compared));
                System.out.printf(Locale.ROOT, "evaluation took %.1f s%n", (System.nanoTime() - e0) / 1e9);
            } finally {
                if (compared != null) {
                    compared.close();
                }
            }
            String table = StyleEval.table(rows, comparedLabel);
            System.out.println(table);

            byte[] onnx = StyleExport.toOnnx(t.net(), metadata(t));
            Files.createDirectories(out);
            OnnxChecker.writeChecked(out.resolve("model.onnx"), onnx);
            String sha = ModelDescriptor.sha256Hex(onnx);
            ModelDescriptor d = StyleZoo.descriptor(name, version, sha, cfg, t.styleNames(), t.lossNet().identity(), true);
            d.write(out.resolve(ModelDescriptor.FILE_NAME));
            double p64;
            double p96;
            try (OrtSession s = OrtEnvironment.getEnvironment().createSession(onnx, StyleExport.options(threads));
                 PointerScope scope = new PointerScope()) {
                float[] w = new float[styles.size() * 2];
                w[0] = 1;
                w[styles.size()] = 0.5f;
                w[styles.size() + 1] = 0.5f;
                Tensor wt = StyleImages.tensor(w, 2, styles.size());
                p64 = StyleExport.parity(t.net(), s, org.bytedeco.pytorch.global.torch.randn(2, 3, 64, 64), wt);
                p96 = StyleExport.parity(t.net(), s, org.bytedeco.pytorch.global.torch.randn(2, 3, 96, 128), wt);
            }
            double[] lat = StyleZoo.latency(onnx, styles.size(), 512, 512, 2, 10);
            System.out.printf(Locale.ROOT, "parity 64x64 %.3g, 96x128 %.3g; ORT 512x512 median %.1f ms p90 %.1f ms; sha256 %s%n",
                    p64, p96, lat[0], lat[1], sha);
            if (examples != null) {
                Path img = content.resolve(names(t.content().validation()).get(0));
                for (Path f : StyleZoo.examples(onnx, img, t.styleNames(), 256, examples)) {
                    System.out.println("example " + f);
                }
            }
            StyleZoo.writeCard(out.resolve("MODEL_CARD.md"), card(t, d, table, trainSeconds, p64, p96, lat, comparedLabel));
            System.out.println("wrote " + out);
            return 0;
        }

        private static List<String> names(io.visionstreams.models.data.ImageFolder f) {
            List<String> n = new ArrayList<>();
            for (int i = 0; i < f.size(); i++) {
                n.add(f.name(i));
            }
            return n;
        }

        private Map<String, String> metadata(StyleTrainer t) {
            return Map.of("styles", String.join(",", t.styleNames()), "style_weights_input", "style_weights",
                    "size_multiple", "4", "io", "RGB NCHW, value=(pixel/255-0.5)/0.5; output tanh in the same space",
                    "width_factor", Integer.toString(width), "loss_network", t.lossNet().identity());
        }

        private String card(StyleTrainer t, ModelDescriptor d, String table, double secs, double p64, double p96,
                            double[] lat, String comparedLabel) {
            String comparedNote = comparedLabel == null ? "" : "\n\"" + comparedLabel + "\" is the entry given to `--compare-with` ("
                    + compareWith + "), run through ONNX Runtime on the same crops; it may have trained on some of these "
                    + "images (its own card lists its split).";
            StyleNet n = t.net();
            List<String> cmd = new ArrayList<>(List.of("train", "style", "--content", content.toString(), "--styles",
                    String.join(",", styles.stream().map(Path::toString).toList()), "--steps", "" + steps, "--size",
                    "" + size, "--batch", "" + batch, "--width", "" + width, "--seed", "" + seed, "--loss-seed",
                    "" + lossSeed, "--style-size", "" + styleSize, "--content-weight", "" + contentWeight,
                    "--style-weight", "" + styleWeight));
            if (!styleWeights.isEmpty()) {
                cmd.addAll(List.of("--style-weights", String.join(",", styleWeights.stream().map(String::valueOf).toList())));
            }
            cmd.addAll(List.of("--tv-weight", "" + tvWeight, "--lr", "" + lr,
                    "--threads", "" + threads, "--content-split", SplitConverter.name(contentSplit),
                    "--out", out.toString()));
            if (compareWith != null) {
                cmd.addAll(List.of("--compare-with", compareWith.toString()));
            }
            // the steps actually run (a --max-minutes stop is recorded as a plain --steps)
            StyleTrainer.Losses first = t.recentMean(0, Math.min(25, steps));
            StyleTrainer.Losses last = t.recentMean(steps - 25, steps);
            return String.format(Locale.ROOT, """
                    # %s/%s — multi-style feed-forward stylisation (conditional instance norm)

                    ## Architecture
                    Johnson-style network of `shared/docs/models-stylisation.md` §1 (table 5.1, typos corrected), width factor %d:
                    reflection pad + valid 9×9 conv (16) → 2 × stride-2 3×3 conv (32, 64) → 5 residual blocks (3×3, 64) →
                    2 × (nearest ×2 + 3×3 conv) (32, 16) → 9×9 conv (3) → norm → tanh. **Every** one of the 16 normalisations is
                    conditional instance norm with per-style γ/β tables [S, C] (the reference code's unconditioned first
                    residual norm is not reproduced). Conv init N(0, 0.05), γ = 1, β = 0, ε = 1e-5.

                    | | |
                    |---|---|
                    | Conv parameters | %,d |
                    | CIN γ/β per style | %,d (× %d styles = %,d) |
                    | MACs at 512×512 (convs) | %.2f G |
                    | Styles (index → name) | %s |

                    ## I/O contract (model.json, task `stylization`)
                    - `images` float32 [N, 3, H, W], RGB, value = (pixel/255 − 0.5)/0.5 ∈ [−1, 1]; H, W dynamic, **multiples of 4**
                      (pad reflect and crop back, or crop; `StyleImages.padToMultipleOf4`).
                    - `style_weights` float32 [N, S], non-negative, not all zero: one-hot = one style; otherwise every layer uses
                      γ̄ = ρ·Γ/Σρ, β̄ = ρ·B/Σρ (computed in the graph with MatMul; InstanceNormalization has scale 1, bias 0).
                    - `stylized` float32 [N, 3, H, W] = tanh(·) ∈ (−1, 1) in the input's space: pixel = (value·0.5 + 0.5)·255, clip.
                      This replaces the VGG contract (BGR, ImageNet means, ×150) because the loss network is not VGG (§8.4).

                    ## Loss network
                    `%s`. Independent check statistic: the same architecture with seed %d (= loss seed + %d), never used
                    in training, and an 8×8×8 joint RGB histogram (total-variation distance).
                    Style Gram G = FᵀF/(HW) (§5 default); style loss = Σ_stages mean_ij (ΔG)²; content = MSE of stage-2
                    features + MSE of 1/4-resolution pixels; TV = mean of squared finite differences (β = 2).
                    Weights: content %.3g, style %.3g%s, TV %.3g. Style targets from each style image resized to longest side %d.

                    ## Training
                    Adam lr %.3g, gradient norm clipped at %.1f (%d non-finite steps skipped), batch %d, %d steps, %d×%d random crops, each sample a uniformly random style, %d threads on a
                    shared 2-core CPU: %.0f s (%.2f steps/s). Seed %d.
                    Content: %s without the style images, %s; training files (%d): %s.
                    Held out (%d): %s.
                    Training loss, mean of the first 25 steps: total %.4f (content %.4f, style %.4f, tv %.4f);
                    last 25 steps: total %.4f (content %.4f, style %.4f, tv %.4f).

                    Reproduce (from the repository root; `OMP_WAIT_POLICY=PASSIVE` set):
                    ```
                    ./mvnw -q -o -pl schemas,models -am compile
                    ./mvnw -q -o -pl models dependency:build-classpath -Dmdep.outputFile=target/cp.txt
                    OMP_WAIT_POLICY=PASSIVE java -cp models/target/classes:schemas/target/classes:$(cat models/target/cp.txt) \\
                      io.visionstreams.models.StyleTrainMain %s
                    ```
                    Training is deterministic in its inputs (seeds), but libtorch's multi-threaded CPU kernels are not
                    bit-reproducible, so a rerun gives close, not identical, weights and SHA-256.

                    ## Held-out evaluation (1 seeded %d×%d crop per held-out image, each stylised with each style)
                    Lower = closer to the style (Gram, histogram) or to the content (content loss). "untrained network" is the
                    same architecture at its initial weights (same seed).%s

                    %s
                    ## Export
                    - ONNX (IR 8, opset 17): Pad(reflect, INT64 pads) → Conv → InstanceNormalization(1, 0) → MatMul(ρ̂, table) →
                      Unsqueeze → Mul → Add; Resize nearest (asymmetric, floor) for upsampling.
                    - Parity ORT vs libtorch (max |diff| / max |ref|, random inputs, weights one-hot and 50/50):
                      64×64: %.2g, 96×128: %.2g.
                    - SHA-256 of model.onnx: `%s`
                    - ORT CPU latency at 512×512, batch 1, 2 intra-op threads, on the shared 2-core build machine:
                      median %.1f ms, p90 %.1f ms (10 runs after 2 warm-ups; other jobs were running, so this is an upper bound).

                    ## Limitations
                    - Trained for minutes on one CPU with %d content images, not 40k COCO iterations: expect coarse colour and
                      texture transfer rather than the published quality.
                    - The random-feature loss network preserves content less well than VGG features (§8); the low-resolution
                      pixel term is what keeps the layout.

                    ## ONNX checker
                    onnx 1.17 `check_model` with full check (schemas, strict shape and type inference): **passes** (run on the
                    written file before this card was written; `./vision-streams check-onnx %s`).
                    """,
                    name, version, width, n.convParameters(), n.normParametersPerStyle(), t.styleNames().size(),
                    n.normParametersPerStyle() * t.styleNames().size(), n.macs(512, 512) / 1e9,
                    indexed(t.styleNames()), t.lossNet().identity(), lossSeed + StyleEval.INDEPENDENT_SEED_OFFSET,
                    StyleEval.INDEPENDENT_SEED_OFFSET, contentWeight, styleWeight, perStyle(t), tvWeight, styleSize, lr,
                    StyleTrainer.CLIP_NORM, t.skipped(), batch, steps,
                    size, size, threads, secs, steps / secs, seed, content,
                    contentSplit == StyleTrainer.ContentSplit.GROUPED
                            ? "held out by `ImageFolder.split(0.2, seed 1, ImageFolder::variantKey)` (`--content-split grouped`: "
                                    + "file-level; sequences such as left01…right14 and name variants such as "
                                    + "ela_original/ela_modified kept on one side)"
                            : "every 5th file (sorted by name) held out", names(t.content().train()).size(),
                    String.join(", ", names(t.content().train())), names(t.content().validation()).size(),
                    String.join(", ", names(t.content().validation())), first.total(), first.content(), first.style(),
                    first.tv(), last.total(), last.content(), last.style(), last.tv(), String.join(" ", cmd), size, size,
                    comparedNote, table, p64, p96, d.sha256(), lat[0], lat[1], names(t.content().train()).size(),
                    out.resolve("model.onnx"));
        }

        /** " (× w per style: name w, ...)" when per-style weights are set, else "". */
        private String perStyle(StyleTrainer t) {
            if (styleWeights.isEmpty()) {
                return "";
            }
            StringBuilder sb = new StringBuilder(" × per-style weight (");
            for (int i = 0; i < styleWeights.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(t.styleNames().get(i)).append(' ')
                        .append(String.format(Locale.ROOT, "%.3g", styleWeights.get(i)));
            }
            return sb.append(')').toString();
        }

        private static String indexed(List<String> names) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(i).append(" → ").append(names.get(i));
            }
            return sb.toString();
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new StyleTrainMain()).setExecutionExceptionHandler(TrainerCli::plainError)
                .execute(args));
    }
}
