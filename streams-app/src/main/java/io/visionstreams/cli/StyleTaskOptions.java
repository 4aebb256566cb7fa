package io.visionstreams.cli;

import java.time.Duration;

import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.models.stylization.StyleSelection;
import io.visionstreams.models.stylization.StyleSelectionException;
import io.visionstreams.models.stylization.StylizationOptions;
import io.visionstreams.models.stylization.Stylizer;
import io.visionstreams.ops.Topics;
import io.visionstreams.topology.StyleTopology;
import picocli.CommandLine.Option;

/** Options of the stylize task ({@code run --task stylize}, {@code demo --task stylize}); runtime and batching come from {@link ServingOptions}. */
public final class StyleTaskOptions {

    @Option(names = "--stylized-topic", defaultValue = Topics.STYLIZED_FRAMES) String stylizedTopic;

    @Option(names = "--style-model", defaultValue = ModelZoo.DEFAULT_STYLIZER,
            description = "Stylisation model: bundled name/version, or a directory with model.json (default: ${DEFAULT-VALUE}).")
    String styleModel;

    @Option(names = "--default-style",
            description = "Style of frames that ask for none (metadata/header 'style' or 'style.weights'): a style name or "
                    + "name=w,... (default: the model's first style).")
    String defaultStyle;

    @Option(names = "--max-side", defaultValue = "0",
            description = "Stylise at most N pixels on the longer side, then upscale the result to the frame's size; 0 = full size (default: ${DEFAULT-VALUE}).")
    int maxSide;

    @Option(names = "--style-scale", defaultValue = "1",
            description = "Stylise a copy downscaled by this factor (0 < s <= 1) and upscale the result; a record can ask "
                    + "for its own with metadata/header 'style.scale' (default: ${DEFAULT-VALUE} = full size).")
    double styleScale;

    @Option(names = "--output-format", defaultValue = "JPEG",
            description = "Encoding of stylised frames: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    StylizationOptions.OutputFormat outputFormat;

    @Option(names = "--quality", defaultValue = "90", description = "JPEG quality 1..100 (default: ${DEFAULT-VALUE}).")
    int quality;

    StyleTopology.Topics topics(String framesTopic, String deadLetterTopic) {
        return new StyleTopology.Topics(framesTopic, stylizedTopic, deadLetterTopic);
    }

    StylizerDeployment.Settings settings(ServingOptions serving) {
        return StylizerDeployment.Settings.defaults()
                .withModel(styleModel)
                .withRuntime(serving.runtime, serving.intraOpThreads)
                .withPrecision(serving.precision())
                .withBatching(serving.maxBatch, Duration.ofMillis(serving.maxDelayMs))
                .withStylization(new StylizationOptions(maxSide, outputFormat, quality, styleScale));
    }

    /** The deployment's default style, checked against the model. */
    StyleSelection defaultStyle(Stylizer stylizer) {
        var styles = stylizer.translator().spec().styles();
        try {
            return defaultStyle == null ? StyleSelection.single(styles, styles.get(0))
                    : StyleSelection.parse(styles, defaultStyle);
        } catch (StyleSelectionException e) {
            throw new IllegalArgumentException("--default-style: " + e.getMessage(), e);
        }
    }
}
