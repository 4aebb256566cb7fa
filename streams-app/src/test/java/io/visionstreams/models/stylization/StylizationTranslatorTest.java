package io.visionstreams.models.stylization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.inference.Tensor;
import io.visionstreams.schema.FrameEncoding;

/** Pre/post-processing without a model: the output tensor is faked as the input tensor (an identity network). */
class StylizationTranslatorTest {

    private static final List<String> STYLES = List.of("a", "b");
    /** The style-cin contract: RGB, (p/255 - 0.5)/0.5, output in [-1, 1]. */
    private static final StyleSpec RGB = new StyleSpec("images", false, 1f / 255, new float[] {0.5f, 0.5f, 0.5f},
            new float[] {0.5f, 0.5f, 0.5f}, "style_weights", "stylized", -1f, 1f, 4, STYLES);
    private static final StyleSpec BGR = new StyleSpec("images", true, 1f / 255, new float[] {0.5f, 0.5f, 0.5f},
            new float[] {0.5f, 0.5f, 0.5f}, "style_weights", "stylized", -1f, 1f, 4, STYLES);

    private static StylizationTranslator translator(StyleSpec spec, int maxSide) {
        return new StylizationTranslator(spec, new StylizationOptions(maxSide, StylizationOptions.OutputFormat.PNG, 90));
    }

    /** Distinct value per pixel and channel, so any misplaced pixel shows. */
    static Image pattern(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) (x * 7 + y);
                px[i + 1] = (byte) (y * 5 + 3 * x + 40);
                px[i + 2] = (byte) (x * y + 100);
            }
        }
        return new Image(w, h, 3, px);
    }

    private static Tensor identity(Map<String, Tensor> in) {
        return in.get("images");
    }

    @Test
    void reflectionMirrorsWithoutRepeatingTheEdge() {
        int[] got = new int[9];
        for (int i = 0; i < 9; i++) {
            got[i] = StylizationTranslator.reflect(i, 5);
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 3, 2, 1, 0}, got);
        assertEquals(0, StylizationTranslator.reflect(3, 1));
        assertEquals(1, StylizationTranslator.reflect(3, 2)); // 0 1 0 1
    }

    @Test
    void oddSizesArePaddedToTheMultipleAndCroppedBackExactly() throws Exception {
        StylizationTranslator t = translator(RGB, 0);
        for (int[] wh : new int[][] {{37, 23}, {1, 1}, {2, 3}, {64, 48}, {5, 9}}) {
            Image img = pattern(wh[0], wh[1]);
            StylizationTranslator.Geometry g = t.geometry(img.width(), img.height());
            assertEquals(0, g.netWidth() % 4);
            assertEquals(0, g.netHeight() % 4);
            assertEquals(Math.max(8, (img.width() + 3) / 4 * 4), g.netWidth());
            assertEquals(Math.max(8, (img.height() + 3) / 4 * 4), g.netHeight());
            Map<String, Tensor> in = t.preprocess(img, g, StyleSelection.of(STYLES, new float[] {1, 0}));
            assertArrayEquals(new long[] {3, g.netHeight(), g.netWidth()}, in.get("images").shape());
            Image out = t.postprocess(identity(in), g);
            assertEquals(img.width(), out.width());
            assertEquals(img.height(), out.height());
            assertArrayEquals(img.pixels(), out.pixels(), "identity network must give the frame back for " + img);
        }
    }

    @Test
    void paddingReflectsTheFramesOwnPixels() throws Exception {
        StylizationTranslator t = translator(RGB, 0);
        Image img = pattern(6, 5); // padded to 8x8
        StylizationTranslator.Geometry g = t.geometry(6, 5);
        float[] v = t.preprocess(img, g, StyleSelection.of(STYLES, new float[] {1, 0})).get("images").floats();
        int nw = g.netWidth();
        // column 6 mirrors column 4, row 5 mirrors row 3 (red plane)
        assertEquals(v[2 * nw + 4], v[2 * nw + 6]);
        assertEquals(v[3 * nw + 1], v[5 * nw + 1]);
        // normalisation: (p/255 - 0.5) / 0.5
        assertEquals(((img.pixels()[0] & 0xFF) / 255f - 0.5f) / 0.5f, v[0], 1e-6);
    }

    @Test
    void theStyleWeightsGoInAsTheSecondInput() throws Exception {
        StylizationTranslator t = translator(RGB, 0);
        Map<String, Tensor> in = t.preprocess(pattern(8, 8), t.geometry(8, 8), StyleSelection.of(STYLES, new float[] {1, 3}));
        assertArrayEquals(new float[] {0.25f, 0.75f}, in.get("style_weights").floats());
        assertThrows(IllegalArgumentException.class, () -> t.preprocess(pattern(8, 8), t.geometry(8, 8),
                StyleSelection.single(List.of("other", "b"), "b")));
    }

    @Test
    void bgrNetworksSeeSwappedChannelsAndGiveRgbBack() throws Exception {
        StylizationTranslator t = translator(BGR, 0);
        Image img = pattern(8, 8);
        StylizationTranslator.Geometry g = t.geometry(8, 8);
        float[] v = t.preprocess(img, g, StyleSelection.single(STYLES, "a")).get("images").floats();
        assertEquals(((img.pixels()[2] & 0xFF) / 255f - 0.5f) / 0.5f, v[0], 1e-6); // plane 0 = blue
        assertArrayEquals(img.pixels(), t.postprocess(Tensor.ofFloats(new long[] {3, 8, 8}, v), g).pixels());
    }

    @Test
    void outputsBeyondTheRangeAreClipped() {
        StylizationTranslator t = translator(RGB, 0);
        StylizationTranslator.Geometry g = t.geometry(8, 8);
        float[] v = new float[3 * 64];
        java.util.Arrays.fill(v, 0, 64, 7f);
        java.util.Arrays.fill(v, 64, 128, -7f);
        Image out = t.postprocess(Tensor.ofFloats(new long[] {3, 8, 8}, v), g);
        assertEquals(255, out.pixels()[0] & 0xFF);
        assertEquals(0, out.pixels()[1] & 0xFF);
        assertEquals(127.5, out.pixels()[2] & 0xFF, 0.5); // 0 is mid-grey
        assertThrows(IllegalArgumentException.class, () -> t.postprocess(Tensor.ofFloats(new long[] {3, 4, 8}, new float[96]), g));
    }

    @Test
    void maxSideDownscalesForTheNetworkAndTheResultComesBackAtFullSize() throws Exception {
        StylizationTranslator t = translator(RGB, 40);
        StylizationTranslator.Geometry g = t.geometry(101, 57);
        assertTrue(g.downscaled());
        assertEquals(40, g.scaledWidth());
        assertEquals(23, g.scaledHeight()); // 57 * 40/101 = 22.6
        assertEquals(40, g.netWidth());
        assertEquals(24, g.netHeight());
        Image img = pattern(101, 57);
        Map<String, Tensor> in = t.preprocess(img, g, StyleSelection.single(STYLES, "a"));
        Image out = t.postprocess(identity(in), g);
        assertEquals(101, out.width());
        assertEquals(57, out.height());
        assertFalse(translator(RGB, 200).geometry(101, 57).downscaled(), "smaller frames are not upscaled");
    }

    @Test
    void scaleDownscalesByAFactorAndMaxSideStillCaps() {
        StylizationTranslator t = new StylizationTranslator(RGB,
                new StylizationOptions(0, StylizationOptions.OutputFormat.PNG, 90, 0.5));
        StylizationTranslator.Geometry g = t.geometry(512, 384);
        assertEquals(256, g.scaledWidth());
        assertEquals(192, g.scaledHeight());
        assertEquals(512, g.width());
        StylizationTranslator.Geometry own = t.geometry(512, 384, 0.25); // a record's own factor
        assertEquals(128, own.scaledWidth());
        assertFalse(t.geometry(512, 384, 1.0).downscaled());
        StylizationTranslator capped = new StylizationTranslator(RGB,
                new StylizationOptions(100, StylizationOptions.OutputFormat.PNG, 90, 0.5));
        assertEquals(100, capped.geometry(512, 384).scaledWidth(), "the smaller of max side and scale wins");
        assertThrows(IllegalArgumentException.class, () -> t.geometry(512, 384, 0));
        assertThrows(IllegalArgumentException.class, () -> new StylizationOptions(0, StylizationOptions.OutputFormat.PNG, 90, 1.5));
    }

    @Test
    void encodesInTheConfiguredFormat() throws Exception {
        Image img = pattern(16, 12);
        byte[] png = translator(RGB, 0).encode(img);
        assertEquals(FrameEncoding.PNG, ImageCodec.sniff(png));
        assertArrayEquals(img.pixels(), ImageCodec.decodeRgb(FrameEncoding.PNG, png, 16, 12, ImageLimits.defaults()).pixels());
        StylizationTranslator jpeg = new StylizationTranslator(RGB, new StylizationOptions(0, StylizationOptions.OutputFormat.JPEG, 50));
        assertEquals(FrameEncoding.JPEG, ImageCodec.sniff(jpeg.encode(img)));
        assertThrows(IllegalArgumentException.class, () -> new StylizationOptions(0, StylizationOptions.OutputFormat.JPEG, 0));
        assertThrows(IllegalArgumentException.class, () -> new StylizationOptions(-1, StylizationOptions.OutputFormat.JPEG, 90));
        assertEquals(StylizationOptions.OutputFormat.PNG, StylizationOptions.OutputFormat.ofFileName("X.PNG"));
        assertThrows(IllegalArgumentException.class, () -> StylizationOptions.OutputFormat.ofFileName("x.gif"));
    }
}
