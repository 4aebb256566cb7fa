package io.visionstreams.models.stereo;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import java.io.IOException;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import io.visionstreams.imaging.Image;
import io.visionstreams.inference.InferenceException;
import io.visionstreams.inference.InferenceRuntime;
import io.visionstreams.inference.InferenceRuntimes;
import io.visionstreams.inference.InferenceSession;
import io.visionstreams.models.LoadedModel;
import io.visionstreams.models.ModelZoo;
import io.visionstreams.schema.ModelDescriptor;

/**
 * Dense stereo for one rectified pair: CNN features (once per image, through the inference SPI) →
 * cosine cost volume → {@link CostAggregator} (SGM) → winner-take-all with sub-pixel refinement,
 * left-right check and confidence. The {@code stereo} CLI command and the stream topology both call
 * {@link #match}; nothing here knows about Kafka.
 *
 * <p>The 16-bit cost and aggregation volumes (W·H·D shorts each, 79 MB at 640×480×128, 10 MB at half
 * size), SGM's scratch and the speckle filter's buffers are kept between calls of the same size, so no
 * per-pair allocation grows with D; {@link #match} is synchronized: use one matcher per concurrent caller.
 */
public final class StereoMatcher implements AutoCloseable {

    /** The zoo model used when none is named. */
    public static final String DEFAULT_MODEL = "stereo-cost/2";

    private final InferenceRuntime ownedRuntime;
    private final InferenceSession session;
    private final boolean ownsSession;
    private final StereoFeatureExtractor features;
    private final StereoOptions options;
    private final CostAggregator aggregator;
    private final RowParallel parallel;
    private final SpeckleFilter speckles;
    private CostVolume cost;
    private CostVolume aggregated;

    /** Uses an already opened session (shared with other users); closing the matcher leaves it open. */
    public StereoMatcher(InferenceSession session, ModelDescriptor descriptor, StereoOptions options) {
        this(null, session, false, descriptor, options, new SemiGlobalMatching(options.sgm()));
    }

    /** With a custom aggregator (e.g. a GPU one); the session stays the caller's. */
    public StereoMatcher(InferenceSession session, ModelDescriptor descriptor, StereoOptions options,
                         CostAggregator aggregator) {
        this(null, session, false, descriptor, options, aggregator);
    }

    private StereoMatcher(InferenceRuntime runtime, InferenceSession session, boolean ownsSession,
                          ModelDescriptor descriptor, StereoOptions options, CostAggregator aggregator) {
        this.features = new StereoFeatureExtractor(session, descriptor);
        this.ownedRuntime = runtime;
        this.session = session;
        this.ownsSession = ownsSession;
        this.options = options;
        this.aggregator = aggregator;
        this.parallel = new RowParallel(options.threads());
        // speckle limits are given at the input size; the filter runs at the processing scale
        this.speckles = new SpeckleFilter((int) Math.round(options.speckleSize() * options.scale() * options.scale()),
                (float) (options.speckleRange() * options.scale()));
    }

    /**
     * Opens {@code model} (bundled name/version or a directory) on {@code runtime} (auto, cpu,
     * tensorrt) and owns both.
     */
    public static StereoMatcher open(String model, String runtime, int intraOpThreads, StereoOptions options)
            throws IOException, InferenceException {
        LoadedModel m = ModelZoo.resolve(model);
        InferenceRuntime rt = InferenceRuntimes.select(runtime, intraOpThreads);
        InferenceSession s = null;
        try {
            s = rt.open(m.source());
            return new StereoMatcher(rt, s, true, m.descriptor(), options, new SemiGlobalMatching(options.sgm()));
        } catch (InferenceException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            rt.close();
            throw e;
        }
    }

    public StereoOptions options() {
        return options;
    }

    public CostAggregator aggregator() {
        return aggregator;
    }

    public String modelName() {
        return session.modelName() + ":" + session.modelVersion();
    }

    /**
     * Disparity of the left image. Both images must have the same size; 1- or 3-channel (RGB is
     * converted to gray, as the model was trained on gray).
     *
     * @throws IllegalArgumentException for mismatched sizes or a max disparity larger than the width
     */
    public synchronized StereoResult match(Image left, Image right) throws InferenceException {
        long t0 = System.nanoTime();
        int w = left.width(), h = left.height();
        if (right.width() != w || right.height() != h) {
            throw new IllegalArgumentException("left is " + w + "x" + h + " but right is " + right.width() + "x"
                    + right.height() + "; a rectified pair has one size");
        }
        if (options.maxDisparity() > w) {
            throw new IllegalArgumentException("max disparity " + options.maxDisparity() + " is larger than the image "
                    + "width " + w + "; no pixel could have that many candidates");
        }
        byte[] lg = gray(left), rg = gray(right);
        int sw = w, sh = h, nd = options.maxDisparity();
        if (options.scale() < 1) {
            sw = Math.max(1, (int) Math.round(w * options.scale()));
            sh = Math.max(1, (int) Math.round(h * options.scale()));
            nd = Math.min(sw, (int) Math.ceil(options.maxDisparity() * (double) sw / w));
            lg = resize(lg, w, h, sw, sh);
            rg = resize(rg, w, h, sw, sh);
        }
        long t1 = System.nanoTime();
        StereoFeatureExtractor.Features f = features.compute(lg, rg, sw, sh);
        long t2 = System.nanoTime();
        ensureVolumes(sw, sh, nd);
        CostVolume.cosine(f.left(), f.right(), f.channels(), sw, sh, cost, parallel);
        long t3 = System.nanoTime();
        aggregator.aggregate(cost, lg, aggregated, parallel);
        long t4 = System.nanoTime();
        DisparitySelection.Selection sel = DisparitySelection.select(aggregated,
                options.leftRightCheck() ? options.lrTolerance() : -1f, parallel);
        float[] disp = sel.disparity();
        byte[] conf = sel.confidence();
        speckles.apply(disp, sw, sh);
        for (int i = 0; i < disp.length; i++) {
            if (disp[i] < 0) {
                conf[i] = 0;
            }
        }
        long t5 = System.nanoTime();
        if (sw != w || sh != h) {
            disp = upsampleDisparity(disp, sw, sh, w, h);
            conf = upsampleNearest(conf, sw, sh, w, h);
        }
        long t6 = System.nanoTime();
        StereoResult.Timings tm = new StereoResult.Timings(ms(t1, t2), ms(t2, t3), ms(t3, t4), ms(t4, t5),
                ms(t0, t1) + ms(t5, t6), ms(t0, t6));
        return new StereoResult(w, h, disp, conf, DisparitySelection.density(disp), tm);
    }

    private void ensureVolumes(int w, int h, int nd) {
        if (cost == null || cost.width() != w || cost.height() != h || cost.disparities() != nd) {
            cost = null;
            aggregated = null; // let the old pair go before allocating the new one
            cost = CostVolume.allocate(w, h, nd);
            aggregated = CostVolume.allocate(w, h, nd);
        }
    }

    private static double ms(long a, long b) {
        return (b - a) / 1e6;
    }

    /** Gray bytes of an image: as is for 1 channel, (77R + 150G + 29B + 128) >> 8 for RGB (exact on gray RGB). */
    public static byte[] gray(Image img) {
        if (img.channels() == 1) {
            return img.pixels();
        }
        byte[] p = img.pixels();
        byte[] g = new byte[img.width() * img.height()];
        for (int i = 0; i < g.length; i++) {
            int r = p[3 * i] & 0xFF, gg = p[3 * i + 1] & 0xFF, b = p[3 * i + 2] & 0xFF;
            g[i] = (byte) ((77 * r + 150 * gg + 29 * b + 128) >> 8);
        }
        return g;
    }

    /** Area-averaging resize of a gray image (OpenCV INTER_AREA: no aliasing when shrinking). */
    static byte[] resize(byte[] gray, int w, int h, int nw, int nh) {
        try (PointerScope scope = new PointerScope()) {
            Mat src = new Mat(h, w, CV_8UC1, new BytePointer(gray));
            Mat dst = new Mat();
            opencv_imgproc.resize(src, dst, new Size(nw, nh), 0, 0, opencv_imgproc.INTER_AREA);
            byte[] out = new byte[nw * nh];
            dst.data().get(out);
            return out;
        }
    }

    /**
     * Disparity map from (sw, sh) to (w, h), values scaled by w/sw. Bilinear where the four source
     * neighbours are valid, nearest otherwise, so invalid pixels never bleed into valid ones as bogus
     * small disparities.
     */
    public static float[] upsampleDisparity(float[] d, int sw, int sh, int w, int h) {
        float[] out = new float[w * h];
        float k = (float) w / sw;
        float fx = (float) sw / w, fy = (float) sh / h;
        for (int y = 0; y < h; y++) {
            float sy = Math.max(0, (y + 0.5f) * fy - 0.5f);
            int y0 = Math.min((int) sy, sh - 1), y1 = Math.min(y0 + 1, sh - 1);
            float ay = sy - y0;
            int ny = Math.min(sh - 1, (int) ((y + 0.5f) * fy));
            for (int x = 0; x < w; x++) {
                float sx = Math.max(0, (x + 0.5f) * fx - 0.5f);
                int x0 = Math.min((int) sx, sw - 1), x1 = Math.min(x0 + 1, sw - 1);
                float ax = sx - x0;
                float a = d[y0 * sw + x0], b = d[y0 * sw + x1], c = d[y1 * sw + x0], e = d[y1 * sw + x1];
                float v;
                if (a >= 0 && b >= 0 && c >= 0 && e >= 0) {
                    v = (a * (1 - ax) + b * ax) * (1 - ay) + (c * (1 - ax) + e * ax) * ay;
                } else {
                    v = d[ny * sw + Math.min(sw - 1, (int) ((x + 0.5f) * fx))];
                }
                out[y * w + x] = v >= 0 ? v * k : DisparitySelection.INVALID;
            }
        }
        return out;
    }

    static byte[] upsampleNearest(byte[] v, int sw, int sh, int w, int h) {
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(sh - 1, (int) ((y + 0.5) * sh / h));
            for (int x = 0; x < w; x++) {
                out[y * w + x] = v[sy * sw + Math.min(sw - 1, (int) ((x + 0.5) * sw / w))];
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        parallel.close();
        cost = null;
        aggregated = null;
        if (ownsSession) {
            session.close();
        }
        if (ownedRuntime != null) {
            ownedRuntime.close();
        }
    }
}
