package io.visionstreams.models.stylization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.lifecycle.StylizerDeployment;
import io.visionstreams.schema.FrameEncoding;

/** The default zoo stylisation model through the same Stylizer the CLI and the topology use. */
class StylizerTest {

    private static StylizerDeployment deployment;
    private static Stylizer stylizer;
    private static List<String> styles;
    private static Image frame;

    @BeforeAll
    static void open() throws Exception {
        deployment = StylizerDeployment.open(StylizerDeployment.Settings.defaults()
                .withRuntime("cpu", 1)
                .withBatching(1, Duration.ofMillis(1))
                .withStylization(new StylizationOptions(0, StylizationOptions.OutputFormat.PNG, 90)));
        stylizer = deployment.stylizer();
        styles = stylizer.translator().spec().styles();
        byte[] jpeg = new SyntheticCamera(96, 64, 5L).frame(0).data();
        frame = ImageCodec.decodeRgb(FrameEncoding.JPEG, jpeg, 96, 64, ImageLimits.defaults());
    }

    @AfterAll
    static void close() {
        if (deployment != null) {
            deployment.close();
        }
    }

    private static StylizationResult run(Image img, StyleSelection s) throws Exception {
        return stylizer.stylize(img, s);
    }

    private static double meanAbs(Image a, Image b) {
        byte[] x = a.pixels();
        byte[] y = b.pixels();
        assertEquals(x.length, y.length);
        long sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += Math.abs((x[i] & 0xFF) - (y[i] & 0xFF));
        }
        return (double) sum / x.length;
    }

    @Test
    void oneHotWeightsEqualTheSingleStyleExactly() throws Exception {
        String first = styles.get(0);
        Image single = run(frame, StyleSelection.single(styles, first)).image();
        Image named = run(frame, StyleSelection.weights(styles, first + "=1," + styles.get(1) + "=0")).image();
        float[] oneHot = new float[styles.size()];
        oneHot[0] = 1;
        Image positional = run(frame, StyleSelection.of(styles, oneHot)).image();
        assertArrayEquals(single.pixels(), named.pixels());
        assertArrayEquals(single.pixels(), positional.pixels());
    }

    @Test
    void anEvenBlendLiesBetweenTheTwoStyles() throws Exception {
        String a = styles.get(0);
        String b = styles.get(1);
        Image ia = run(frame, StyleSelection.single(styles, a)).image();
        Image ib = run(frame, StyleSelection.single(styles, b)).image();
        Image mix = run(frame, StyleSelection.weights(styles, a + "=0.5," + b + "=0.5")).image();
        double ab = meanAbs(ia, ib);
        assertTrue(ab > 1, "the two styles must differ to test blending, mean |a-b| = " + ab);
        double ma = meanAbs(mix, ia);
        double mb = meanAbs(mix, ib);
        assertTrue(ma > 0 && mb > 0, "a blend is neither style");
        assertTrue(ma < ab && mb < ab, "blend closer to each style than they are to each other: |m-a| " + ma + ", |m-b| "
                + mb + ", |a-b| " + ab);
        // per value: most of the blend sits inside the interval the two styles span (the network is not linear in γ/β)
        byte[] x = ia.pixels();
        byte[] y = ib.pixels();
        byte[] m = mix.pixels();
        int inside = 0;
        for (int i = 0; i < m.length; i++) {
            int lo = Math.min(x[i] & 0xFF, y[i] & 0xFF) - 4;
            int hi = Math.max(x[i] & 0xFF, y[i] & 0xFF) + 4;
            if ((m[i] & 0xFF) >= lo && (m[i] & 0xFF) <= hi) {
                inside++;
            }
        }
        assertTrue(inside > 0.8 * m.length, "values between the two styles: " + inside + " of " + m.length);
    }

    @Test
    void anySizeComesBackAtItsOwnSize() throws Exception {
        StyleSelection s = StyleSelection.single(styles, styles.get(1));
        for (int[] wh : new int[][] {{37, 23}, {5, 3}, {64, 48}}) {
            Image img = StylizationTranslatorTest.pattern(wh[0], wh[1]);
            StylizationResult r = run(img, s);
            assertEquals(wh[0], r.image().width());
            assertEquals(wh[1], r.image().height());
            Image decoded = ImageCodec.decodeRgb(FrameEncoding.PNG, r.encoded(), wh[0], wh[1], ImageLimits.defaults());
            assertArrayEquals(r.image().pixels(), decoded.pixels());
        }
    }

    @Test
    void maxSideRunsSmallerAndUpscalesBack() throws Exception {
        StylizationTranslator small = new StylizationTranslator(stylizer.translator().spec(),
                new StylizationOptions(32, StylizationOptions.OutputFormat.JPEG, 80));
        Stylizer s = new Stylizer(small, stylizer.batcher(), Duration.ofSeconds(60));
        Image img = StylizationTranslatorTest.pattern(101, 57);
        StylizationResult r = s.stylize(img, StyleSelection.single(styles, styles.get(0)));
        assertEquals(101, r.image().width());
        assertEquals(57, r.image().height());
        assertEquals(FrameEncoding.JPEG, ImageCodec.sniff(r.encoded()));
    }

    @Test
    void resultsNameTheModelThatMadeThem() throws Exception {
        StylizationResult r = run(frame, StyleSelection.single(styles, styles.get(2)));
        assertEquals(deployment.model().descriptor().name(), r.modelName());
        assertEquals(deployment.model().descriptor().version(), r.modelVersion());
        assertFalse(r.runtimeName().isBlank());
        assertEquals(1, r.batchSize());
        assertEquals(styles.get(2), r.style().toString());
    }
}
