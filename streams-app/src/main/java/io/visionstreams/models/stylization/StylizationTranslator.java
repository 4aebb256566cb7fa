package io.visionstreams.models.stylization;

import java.util.LinkedHashMap;
import java.util.Map;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.Preprocess;
import io.visionstreams.inference.Tensor;

/**
 * Pre- and post-processing of a stylisation model as plain functions (no Kafka, no model):
 * frame → optional downscale → reflection pad to the network's size multiple → normalised tensor,
 * and output tensor → crop back → pixels → optional upscale to the frame's size → JPEG/PNG.
 */
public final class StylizationTranslator {

    /**
     * Sizes of one frame on its way through the network.
     *
     * @param width      the frame
     * @param scaledWidth what the network's output is cropped back to (the frame, or its downscaled copy)
     * @param netWidth   the network input: scaledWidth padded up to the size multiple
     */
    public record Geometry(int width, int height, int scaledWidth, int scaledHeight, int netWidth, int netHeight) {
        public boolean downscaled() {
            return scaledWidth != width || scaledHeight != height;
        }
    }

    /**
     * Smallest network input side: the network reflection-pads by 4 px before its 9x9 convs (needs a side
     * of at least 5) and by 1 px at 1/4 resolution (needs at least 2 there), so tinier frames are padded
     * up to 8 as well.
     */
    static final int MIN_NET_SIDE = 8;

    private final StyleSpec spec;
    private final StylizationOptions options;
    /** Pixel value → normalised input value, per network channel (what the descriptor's scale/mean/std say). */
    private final float[][] lut = new float[3][256];

    public StylizationTranslator(StyleSpec spec, StylizationOptions options) {
        this.spec = spec;
        this.options = options;
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (v * spec.scale() - spec.mean()[c]) / spec.std()[c];
            }
        }
    }

    public StyleSpec spec() {
        return spec;
    }

    public StylizationOptions options() {
        return options;
    }

    /** The deployment's geometry: its {@code maxSide} and {@code scale}. */
    public Geometry geometry(int width, int height) {
        return geometry(width, height, options.scale());
    }

    /**
     * Geometry with this frame's own downscale factor (a record may ask for one); the deployment's
     * {@code maxSide} still caps the size.
     */
    public Geometry geometry(int width, int height, double scale) {
        StylizationOptions.checkScale(scale);
        int longer = Math.max(width, height);
        double s = scale;
        if (options.maxSide() > 0 && longer > options.maxSide()) {
            s = Math.min(s, (double) options.maxSide() / longer);
        }
        int sw = s < 1 ? Math.max(1, (int) Math.round(width * s)) : width;
        int sh = s < 1 ? Math.max(1, (int) Math.round(height * s)) : height;
        int m = spec.sizeMultiple();
        int min = roundUp(MIN_NET_SIDE, m);
        return new Geometry(width, height, sw, sh, Math.max(min, roundUp(sw, m)), Math.max(min, roundUp(sh, m)));
    }

    static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    /** One sample's inputs (no batch dimension): the image [3, H, W] and the style weights [S]. */
    public Map<String, Tensor> preprocess(Image image, Geometry g, StyleSelection style) {
        if (!style.styles().equals(spec.styles())) {
            throw new IllegalArgumentException("style selection over " + style.styles() + " does not fit the model's styles "
                    + spec.styles());
        }
        Image src = g.downscaled() ? Preprocess.resize(image, g.scaledWidth(), g.scaledHeight()) : image;
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put(spec.inputName(), Tensor.ofFloats(new long[] {3, g.netHeight(), g.netWidth()}, toTensor(src, g)));
        in.put(spec.weightsInput(), Tensor.ofFloats(new long[] {spec.styles().size()}, style.weights()));
        return in;
    }

    /** Planar normalised pixels, padded on the right and bottom by reflection (no edge repeat), as the network pads. */
    float[] toTensor(Image src, Geometry g) {
        int w = src.width();
        int h = src.height();
        int ch = src.channels();
        int nw = g.netWidth();
        int nh = g.netHeight();
        int plane = nw * nh;
        float[] out = new float[3 * plane];
        byte[] px = src.pixels();
        int[] xs = new int[nw];
        for (int x = 0; x < nw; x++) {
            xs[x] = reflect(x, w) * ch;
        }
        for (int y = 0; y < nh; y++) {
            int row = reflect(y, h) * w * ch;
            int o = y * nw;
            for (int c = 0; c < 3; c++) {
                // network channel c reads RGB channel c, or 2-c for a BGR network; gray frames feed all three
                int sc = ch == 1 ? 0 : (spec.bgr() ? 2 - c : c);
                float[] t = lut[c];
                int base = c * plane + o;
                for (int x = 0; x < nw; x++) {
                    out[base + x] = t[px[row + xs[x] + sc] & 0xFF];
                }
            }
        }
        return out;
    }

    /** Index i of a signal of length n mirrored at its ends without repeating the edge (…2 1 0 1 2… n-2 n-1 n-2…). */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int k = Math.floorMod(i, period);
        return k < n ? k : period - k;
    }

    /** The network output of one sample [3, H, W] → an RGB image of the frame's size. */
    public Image postprocess(Tensor stylized, Geometry g) {
        if (stylized.rank() != 3 || stylized.dim(0) != 3 || stylized.dim(1) != g.netHeight()
                || stylized.dim(2) != g.netWidth()) {
            throw new IllegalArgumentException("stylized output must be [3," + g.netHeight() + "," + g.netWidth()
                    + "] per sample, got " + stylized);
        }
        float[] v = stylized.floats();
        int w = g.scaledWidth();
        int h = g.scaledHeight();
        int nw = g.netWidth();
        int plane = nw * g.netHeight();
        byte[] px = new byte[w * h * 3];
        float lo = spec.outputLow();
        float hi = spec.outputHigh();
        for (int c = 0; c < 3; c++) {
            int dc = spec.bgr() ? 2 - c : c;
            float std = spec.std()[c];
            float mean = spec.mean()[c];
            float inv = 1f / spec.scale();
            for (int y = 0; y < h; y++) {
                int src = c * plane + y * nw;
                int dst = y * w * 3 + dc;
                for (int x = 0; x < w; x++, dst += 3) {
                    float o = Math.min(hi, Math.max(lo, v[src + x]));
                    float p = (o * std + mean) * inv;
                    px[dst] = (byte) Math.min(255, Math.max(0, Math.round(p)));
                }
            }
        }
        Image out = new Image(w, h, 3, px);
        return g.downscaled() ? Preprocess.resize(out, g.width(), g.height()) : out;
    }

    /** The image in the configured format and quality. */
    public byte[] encode(Image image) {
        return switch (options.format()) {
            case JPEG -> ImageCodec.encodeJpeg(image, options.quality());
            case PNG -> ImageCodec.encodePng(image);
        };
    }
}
