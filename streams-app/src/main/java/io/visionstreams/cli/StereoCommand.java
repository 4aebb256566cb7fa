package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageDecodeException;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.models.stereo.DisparityErrors;
import io.visionstreams.models.stereo.DisparityPng;
import io.visionstreams.models.stereo.DisparitySelection;
import io.visionstreams.models.stereo.SgbmBaseline;
import io.visionstreams.models.stereo.StereoMatcher;
import io.visionstreams.models.stereo.StereoResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One rectified pair → disparity PNG, no Kafka, through the same StereoMatcher the stream uses. */
@Command(name = "stereo", mixinStandardHelpOptions = true,
        description = "Dense disparity of a rectified pair with the CNN matching cost and SGM (or OpenCV SGBM), "
                + "written as a KITTI 16-bit PNG (disparity*256, 0 = invalid); optional ground-truth errors.")
public final class StereoCommand implements Callable<Integer> {

    @Option(names = "--left", required = true, description = "Left image (JPEG or PNG).")
    Path left;

    @Option(names = "--right", required = true, description = "Right image, same size.")
    Path right;

    @Option(names = "--out", description = "Disparity PNG to write (16-bit, disparity*256, 0 = invalid).")
    Path out;

    @Option(names = "--confidence-out", description = "8-bit confidence PNG to write (ours only).")
    Path confidenceOut;

    @Option(names = "--gt", description = "Ground-truth 16-bit disparity PNG (0 = no ground truth).")
    Path gt;

    @Option(names = "--gt-scale", defaultValue = "256", description = "Ground-truth value / scale = disparity (default: ${DEFAULT-VALUE}).")
    double gtScale;

    @Option(names = "--baseline", description = "Run a classical matcher instead: sgbm (OpenCV StereoSGBM).")
    String baseline;

    @Option(names = "--json", description = "Print JSON: {width, height, millis, density[, bad1, bad2, bad4, epe]}.")
    boolean json;

    @Option(names = "--focal-px", description = "Focal length in pixels (for --depth-out).")
    Double focalPx;

    @Option(names = "--baseline-m", description = "Stereo baseline in metres (for --depth-out).")
    Double baselineM;

    @Option(names = "--depth-out", description = "Depth PNG to write (16-bit, millimetres, 0 = invalid); needs --focal-px and --baseline-m.")
    Path depthOut;

    @Mixin
    StereoMatchOptions match;

    @Override
    public Integer call() throws Exception {
        if (depthOut != null && (focalPx == null || baselineM == null)) {
            throw new IllegalArgumentException("--depth-out needs --focal-px and --baseline-m");
        }
        if (baseline != null && !baseline.equals("sgbm")) {
            throw new IllegalArgumentException("--baseline must be sgbm, got " + baseline);
        }
        Image l = readGray(left), r = readGray(right);
        int w = l.width(), h = l.height();
        float[] disp;
        double millis;
        String detail;
        byte[] confidence = null;
        if (baseline != null) {
            if (r.width() != w || r.height() != h) {
                throw new IllegalArgumentException("left is " + w + "x" + h + " but right is " + r.width() + "x" + r.height());
            }
            long t0 = System.nanoTime();
            disp = SgbmBaseline.match(l.pixels(), r.pixels(), w, h, match.maxDisparity, match.threadCount());
            millis = (System.nanoTime() - t0) / 1e6;
            detail = "OpenCV StereoSGBM";
        } else {
            try (StereoMatcher m = match.open()) {
                StereoResult res = m.match(l, r);
                disp = res.disparity();
                confidence = res.confidence();
                millis = res.timings().total();
                StereoResult.Timings t = res.timings();
                detail = String.format(Locale.ROOT, "%s + %s (features %.0f ms, cost volume %.0f ms, aggregation %.0f ms, "
                        + "WTA/LR %.0f ms, resize %.0f ms)", m.modelName(), m.aggregator().name(), t.features(),
                        t.costVolume(), t.aggregation(), t.selection(), t.resize());
            }
        }
        double density = DisparitySelection.density(disp);
        if (out != null) {
            Files.write(out, DisparityPng.encode(disp, w, h, DisparityPng.KITTI_SCALE));
        }
        if (confidenceOut != null && confidence != null) {
            Files.write(confidenceOut, DisparityPng.encodeConfidence(confidence, w, h));
        }
        if (depthOut != null) {
            Files.write(depthOut, DisparityPng.encodeDepth(disp, w, h, focalPx, baselineM));
        }
        DisparityErrors err = gt == null ? null : DisparityErrors.of(disp, readTruth(gt, gtScale, w, h), match.maxDisparity);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("width", w);
            o.put("height", h);
            o.put("millis", round(millis, 1));
            o.put("density", round(density, 4));
            if (err != null) {
                o.put("bad1", round(err.bad1Percent(), 3));
                o.put("bad2", round(err.bad2Percent(), 3));
                o.put("bad4", round(err.bad4Percent(), 3));
                o.put("epe", round(err.epe(), 4));
            }
            System.out.println(new ObjectMapper().writeValueAsString(o));
        } else {
            System.out.printf(Locale.ROOT, "%dx%d, D=%d: %.1f ms, density %.1f%%; %s%n", w, h, match.maxDisparity, millis,
                    100 * density, detail);
            if (err != null) {
                System.out.println("vs ground truth: " + err + String.format(Locale.ROOT,
                        "; bad-2 counting missing as bad %.2f%%", err.bad2AllPercent()));
            }
        }
        return 0;
    }

    static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return v;
        }
        double k = Math.pow(10, digits);
        return Math.round(v * k) / k;
    }

    static Image readGray(Path file) throws java.io.IOException, ImageDecodeException {
        byte[] data = Files.readAllBytes(file);
        return ImageCodec.decodeGray(ImageCodec.sniff(data), data, 0, 0, ImageLimits.defaults());
    }

    /** Ground truth disparity (value/scale, 0 → invalid), checked against the image size. */
    static float[] readTruth(Path file, double scale, int w, int h) throws java.io.IOException, ImageDecodeException {
        DisparityPng.Decoded d = DisparityPng.decode(Files.readAllBytes(file), scale);
        if (d.width() != w || d.height() != h) {
            throw new IllegalArgumentException("ground truth " + file + " is " + d.width() + "x" + d.height()
                    + ", the images are " + w + "x" + h);
        }
        return d.disparity();
    }
}
