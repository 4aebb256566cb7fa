package io.visionstreams.models.stylization;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which style(s) to apply to a frame: one weight per style of the model, non-negative, summing to 1.
 * A single style is a one-hot vector; anything else blends the styles' normalisation parameters
 * (the network computes ρ·Γ/Σρ, so normalising here changes nothing in the output and makes the
 * weights reported in results comparable).
 *
 * <p>Text forms, parsed against the model's style list:
 * <ul>
 *   <li>{@code starry_night} — one style by name;</li>
 *   <li>{@code starry_night=0.7,fruits=0.3} — named weights, unnamed styles 0;</li>
 *   <li>{@code 0.7,0,0.3,0} — positional weights, exactly one per style.</li>
 * </ul>
 */
public final class StyleSelection {

    private final List<String> styles;
    private final float[] weights;

    private StyleSelection(List<String> styles, float[] weights) {
        this.styles = styles;
        this.weights = weights;
    }

    /** One style by name. */
    public static StyleSelection single(List<String> styles, String name) throws StyleSelectionException {
        String n = name == null ? "" : name.trim();
        int i = styles.indexOf(n);
        if (i < 0) {
            throw new StyleSelectionException(StyleSelectionException.Kind.UNKNOWN_STYLE,
                    "unknown style '" + n + "' (the model has " + styles + ")");
        }
        float[] w = new float[styles.size()];
        w[i] = 1f;
        return new StyleSelection(List.copyOf(styles), w);
    }

    /** A weights vector, {@code name=w,...} or positional {@code w,w,...}. */
    public static StyleSelection weights(List<String> styles, String text) throws StyleSelectionException {
        if (text == null || text.isBlank()) {
            throw bad("empty style weights (want name=w,... over " + styles + ")");
        }
        String[] parts = text.split(",", -1);
        float[] w = new float[styles.size()];
        boolean named = text.contains("=");
        if (named) {
            boolean[] seen = new boolean[styles.size()];
            for (String part : parts) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw bad("'" + part.trim() + "' is not name=weight (do not mix named and positional weights)");
                }
                String name = part.substring(0, eq).trim();
                int i = styles.indexOf(name);
                if (i < 0) {
                    throw new StyleSelectionException(StyleSelectionException.Kind.UNKNOWN_STYLE,
                            "unknown style '" + name + "' in weights '" + text + "' (the model has " + styles + ")");
                }
                if (seen[i]) {
                    throw bad("style '" + name + "' is weighted twice in '" + text + "'");
                }
                seen[i] = true;
                w[i] = number(part.substring(eq + 1), name);
            }
        } else {
            if (parts.length != styles.size()) {
                throw bad("positional weights '" + text + "' have " + parts.length + " values, the model has "
                        + styles.size() + " styles " + styles);
            }
            for (int i = 0; i < parts.length; i++) {
                w[i] = number(parts[i], styles.get(i));
            }
        }
        return of(styles, w);
    }

    /** A weights vector in the model's style order: non-negative, finite, not all zero; normalised to sum 1. */
    public static StyleSelection of(List<String> styles, float[] weights) throws StyleSelectionException {
        if (weights.length != styles.size()) {
            throw bad(weights.length + " weights for " + styles.size() + " styles " + styles);
        }
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            float v = weights[i];
            if (!Float.isFinite(v) || v < 0) {
                throw bad("weight of '" + styles.get(i) + "' must be a finite number >= 0, got " + v);
            }
            sum += v;
        }
        if (!(sum > 0)) {
            throw bad("style weights are all zero (at least one style needs a positive weight)");
        }
        float[] n = new float[weights.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = (float) (weights[i] / sum);
        }
        return new StyleSelection(List.copyOf(styles), n);
    }

    /** Either form: contains '=' or ',' → weights, else a style name. */
    public static StyleSelection parse(List<String> styles, String text) throws StyleSelectionException {
        return text != null && (text.contains("=") || text.contains(",")) ? weights(styles, text) : single(styles, text);
    }

    private static float number(String s, String style) throws StyleSelectionException {
        try {
            return Float.parseFloat(s.trim());
        } catch (NumberFormatException e) {
            throw bad("weight of '" + style + "' is not a number: '" + s.trim() + "'");
        }
    }

    private static StyleSelectionException bad(String message) {
        return new StyleSelectionException(StyleSelectionException.Kind.BAD_STYLE_WEIGHTS, message);
    }

    public List<String> styles() {
        return styles;
    }

    /** Normalised weights in the model's style order (a copy). */
    public float[] weights() {
        return weights.clone();
    }

    /** Style → weight for the styles that take part (weight > 0), in model order. */
    public Map<String, Float> asMap() {
        Map<String, Float> m = new LinkedHashMap<>();
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                m.put(styles.get(i), weights[i]);
            }
        }
        return m;
    }

    /** {@code starry_night} for a single style, else {@code a=0.70,b=0.30}. */
    @Override
    public String toString() {
        Map<String, Float> m = asMap();
        if (m.size() == 1) {
            return m.keySet().iterator().next();
        }
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=')
                .append(String.format(Locale.ROOT, "%.3f", v)));
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StyleSelection s && styles.equals(s.styles) && Arrays.equals(weights, s.weights);
    }

    @Override
    public int hashCode() {
        return 31 * styles.hashCode() + Arrays.hashCode(weights);
    }
}
