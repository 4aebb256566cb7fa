package io.visionstreams.models.stereo;

import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * ORT CPU latency per 640×480 image for candidate widths; opt-in (slow, machine-specific):
 * {@code ./mvnw -q -o -pl models test -Dtest=StereoFeatureNetBenchmark -Dbench=true}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class StereoFeatureNetBenchmark {

    @Test
    void latency() throws Exception {
        int[][] configs = {{4, 16, 16}, {5, 16, 16}, {4, 24, 24}, {4, 32, 32}, {4, 32, 16}, {5, 32, 32}, {4, 64, 64}};
        for (int[] c : configs) {
            StereoFeatureNet net = new StereoFeatureNet(new StereoFeatureNet.Config(c[0], c[1], c[2]));
            OrtTiming.Result r = OrtTiming.measure(net.exportOnnx("bench"), 640, 480, 2, 10);
            System.out.printf(Locale.ROOT, "%s params %d MAC/px %d GMAC/img %.2f : median %.1f ms p90 %.1f ms%n",
                    net.config().name(), net.parameterCount(), net.macsPerPixel(), net.macsPerPixel() * 640 * 480 / 1e9,
                    r.medianMs(), r.p90Ms());
        }
    }
}
