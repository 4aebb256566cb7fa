package io.visionstreams.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Facts the trainer wrote into a model's card (MODEL_CARD.md beside model.json) that model.json does not
 * carry. Today: the compute of one input, for benchmarks that report achieved GFLOP/s.
 */
public final class ModelCards {

    public static final String FILE_NAME = "MODEL_CARD.md";

    /** "… = 171,411,200 FLOPs per 320×320 image" (× or x). */
    private static final Pattern FLOPS = Pattern.compile("([0-9][0-9,]*) FLOPs per [0-9]+\\s*[×x]\\s*[0-9]+ image");

    private ModelCards() {
    }

    /** FLOPs per image as the card's "Compute" line states them, if it does. */
    public static OptionalLong flopsPerImage(String card) {
        Matcher m = FLOPS.matcher(card);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1).replace(",", ""))) : OptionalLong.empty();
    }

    /** The card of a resolved model (bundled or a directory), or empty when it has none. */
    public static OptionalLong flopsPerImage(LoadedModel model) throws IOException {
        String card = read(model);
        return card == null ? OptionalLong.empty() : flopsPerImage(card);
    }

    private static String read(LoadedModel model) throws IOException {
        String loc = model.location();
        if (loc.startsWith("bundled:")) {
            try (InputStream in = ModelCards.class.getResourceAsStream("/io/visionstreams/zoo/"
                    + loc.substring("bundled:".length()) + "/" + FILE_NAME)) {
                return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        Path f = Path.of(loc).resolve(FILE_NAME);
        return Files.isRegularFile(f) ? Files.readString(f) : null;
    }
}
