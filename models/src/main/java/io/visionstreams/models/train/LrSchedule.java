package io.visionstreams.models.train;

import java.util.Arrays;

/** Learning rate as a function of the 0-based step (training-recipes.md §4). */
@FunctionalInterface
public interface LrSchedule {

    double lr(long step);

    static LrSchedule constant(double lr) {
        return step -> lr;
    }

    /** base · factor^(number of milestones ≤ step); milestones in steps. */
    static LrSchedule step(double base, double factor, long... milestones) {
        long[] m = milestones.clone();
        Arrays.sort(m);
        return step -> {
            int passed = 0;
            while (passed < m.length && m[passed] <= step) {
                passed++;
            }
            return base * Math.pow(factor, passed);
        };
    }

    /** Cosine from base (step 0) to min (step ≥ total). */
    static LrSchedule cosine(double base, double min, long total) {
        if (total <= 0) {
            throw new IllegalArgumentException("total steps must be positive");
        }
        return step -> {
            double t = Math.min(1.0, Math.max(0.0, (double) step / total));
            return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * t));
        };
    }

    /** Parses "constant", "step:0.1@1000,2000" (factor@milestones) or "cosine[:min]" around base lr. */
    static LrSchedule parse(String spec, double base, long totalSteps) {
        String s = spec.trim();
        if (s.equals("constant")) {
            return constant(base);
        }
        if (s.startsWith("cosine")) {
            double min = s.contains(":") ? Double.parseDouble(s.substring(s.indexOf(':') + 1)) : 0.0;
            return cosine(base, min, totalSteps);
        }
        if (s.startsWith("step:") && s.contains("@")) {
            String[] parts = s.substring(5).split("@");
            long[] ms = Arrays.stream(parts[1].split(",")).mapToLong(x -> Long.parseLong(x.trim())).toArray();
            return step(base, Double.parseDouble(parts[0]), ms);
        }
        throw new IllegalArgumentException("unknown schedule '" + spec + "' (constant | cosine[:min] | step:F@M1,M2)");
    }
}
