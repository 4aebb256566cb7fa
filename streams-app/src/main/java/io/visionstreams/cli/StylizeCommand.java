package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageDifference;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.models.stylization.StyleSelectionException;
import io.visionstreams.models.stylization.StylizationOptions;
import io.visionstreams.models.stylization.StylizationResult;
import io.visionstreams.models.stylization.Stylizer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One image → one stylised image, without Kafka, through the same Stylizer the topology uses. */
@Command(name = "stylize", mixinStandardHelpOptions = true,
        description = "Stylise one image file (no Kafka; same code path as the stylize topology).")
public final class StylizeCommand implements Callable<Integer> {

    @Option(names = "--image", required = true, description = "JPEG or PNG file, any size.")
    Path image;

    /** Exactly one of a style name or a weights vector. */
    static final class StyleChoice {
        @Option(names = "--style", required = true, description = "One of the model's styles, e.g. starry_night.")
        String style;

        @Option(names = "--weights", required = true,
                description = "Blend: name=w,... over the model's styles (unnamed styles 0), or one weight per style in order.")
        String weights;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    StyleChoice choice;

    @Option(names = "--out", required = true, description = "Output file; .jpg/.jpeg writes JPEG, .png writes PNG.")
    Path out;

    @Option(names = "--max-side", defaultValue = "0",
            description = "Downscale so the longer side is at most N pixels for the network, then upscale the result "
                    + "back; 0 = full size (default: ${DEFAULT-VALUE}).")
    int maxSide;

    @Option(names = "--style-scale", defaultValue = "1",
            description = "Stylise a copy downscaled by this factor (0 < s <= 1), then upscale the result (default: ${DEFAULT-VALUE}).")
    double styleScale;

    @Option(names = "--compare-full-size",
            description = "With --style-scale or --max-side: also stylise at full size and print how far the cheaper result is from it.")
    boolean compareFullSize;

    @Option(names = "--quality", defaultValue = "90", description = "JPEG quality 1..100 (default: ${DEFAULT-VALUE}).")
    int quality;

    @Option(names = "--model", defaultValue = ModelZoo.DEFAULT_STYLIZER,
            description = "Stylisation model: bundled name/version, or a directory with model.json (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--runtime", defaultValue = "auto",
            description = "Inference runtime: auto, cpu (ONNX Runtime) or tensorrt (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--intra-op-threads", defaultValue = "0",
            description = "ONNX Runtime threads per operator; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int intraOpThreads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StylizationOptions options;
        try {
            options = new StylizationOptions(maxSide, StylizationOptions.OutputFormat.ofFileName(out.getFileName().toString()),
                    quality, styleScale);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Image img = ImageCodec.read(image);
        StylizerDeployment.Settings settings = StylizerDeployment.Settings.defaults()
                .withModel(model)
                .withRuntime(runtime, intraOpThreads)
                .withBatching(1, Duration.ZERO)
                .withStylization(options);
        try (StylizerDeployment d = StylizerDeployment.open(settings)) {
            Stylizer stylizer = d.stylizer();
            StyleSelection style;
            try {
                style = choice.style != null ? StyleSelection.single(stylizer.translator().spec().styles(), choice.style)
                        : StyleSelection.weights(stylizer.translator().spec().styles(), choice.weights);
            } catch (StyleSelectionException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            StylizationResult r = stylizer.stylize(img, style);
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(out, r.encoded());
            if (compareFullSize) {
                // the same image and style at full size (scale 1; a --max-side still caps it, so give none)
                StylizationResult full = stylizer.stylize(img, style, 1.0);
                ImageDifference diff = ImageDifference.of(r.image(), full.image());
                System.out.printf(java.util.Locale.ROOT, "vs full size: mean abs difference %.2f of 255, PSNR %.2f dB "
                        + "(infer %.1f ms at full size, %.1f ms here)%n", diff.meanAbs(), diff.psnrDb(),
                        full.inferMicros() / 1e3, r.inferMicros() / 1e3);
            }
            System.out.printf("%s: %dx%d stylised with %s by %s:%s on %s -> %s (%d bytes; pre %.1f ms, infer %.1f ms, "
                            + "post %.1f ms)%n", image, img.width(), img.height(), style, r.modelName(), r.modelVersion(),
                    r.runtimeName(), out, r.encoded().length, r.preMicros() / 1e3, r.inferMicros() / 1e3,
                    r.postMicros() / 1e3);
        }
        return 0;
    }
}
