package io.visionstreams.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import io.visionstreams.ingest.FrameProducer;
import io.visionstreams.ingest.FrameSource;
import io.visionstreams.ingest.FrameSources;
import io.visionstreams.ingest.ImageFileSource;
import io.visionstreams.ingest.StereoPairProducer;
import io.visionstreams.ingest.SyntheticStereoRig;
import io.visionstreams.schema.Calibration;
import io.visionstreams.ingest.SyntheticCamera;
import io.visionstreams.ingest.VideoFileSource;
import io.visionstreams.ops.KafkaClientConfig;
import io.visionstreams.ops.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code produce}: send image files, videos or synthetic frames to a frames topic. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Send images (files or folders), video files or synthetic frames to a Kafka topic as Frame records.")
public final class ProduceCommand implements Callable<Integer> {

    @Mixin
    KafkaConnectionOptions kafka;

    @Option(names = "--topic", description = "Destination topic (default: frames, or stereo-pairs with --stereo).")
    String topic;

    @Option(names = "--stereo", description = "Send StereoPair records: from --left DIR and --right DIR (paired in file-name "
            + "order) or, with --synthetic, from a synthetic rectified rig.")
    boolean stereo;

    @Option(names = "--left", paramLabel = "DIR", description = "With --stereo: left images (files or folder).")
    Path leftDir;

    @Option(names = "--right", paramLabel = "DIR", description = "With --stereo: right images, as many as left.")
    Path rightDir;

    @Option(names = "--rectified", description = "With --stereo: the images are rectified (recorded in the pair's calibration).")
    boolean rectified;

    @Option(names = "--focal-length-px", defaultValue = "0", description = "With --stereo: focal length in pixels (0 = unknown).")
    double focalLengthPx;

    @Option(names = "--baseline-m", defaultValue = "0", description = "With --stereo: baseline in metres (0 = unknown).")
    double baselineM;

    @Option(names = "--disparity", defaultValue = "16", description = "With --stereo --synthetic: background disparity in pixels.")
    int syntheticDisparity;

    @Option(names = "--source-id", description = "Camera id used as record key (default: 'synthetic' or the first path's name).")
    String sourceId;

    @Option(names = "--rate", paramLabel = "FPS", defaultValue = "0", description = "Target frames/s; 0 = as fast as possible.")
    double rate;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Stop after N frames (0 = no limit).")
    long limit;

    @Option(names = "--loop", description = "Start again at the end of the input.")
    boolean loop;

    @Option(names = "--recursive", description = "Descend into sub-folders of folder arguments.")
    boolean recursive;

    @Option(names = "--jpeg-quality", defaultValue = "90", description = "JPEG quality for video and synthetic frames (1-100).")
    int jpegQuality;

    @Option(names = "--frame-step", defaultValue = "1", description = "Keep every n-th video frame.")
    int frameStep;

    @Option(names = "--max-frame-bytes", defaultValue = "" + KafkaClientConfig.DEFAULT_MAX_FRAME_BYTES,
            description = "Refuse encoded frames larger than this (default: ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @Option(names = "--synthetic", description = "Use the built-in synthetic camera instead of files.")
    boolean synthetic;

    @Option(names = "--width", defaultValue = "640", description = "Synthetic frame width.")
    int width;

    @Option(names = "--height", defaultValue = "480", description = "Synthetic frame height.")
    int height;

    @Option(names = "--seed", defaultValue = "42", description = "Synthetic camera seed.")
    long seed;

    @Option(names = "--no-progress", description = "Do not draw the progress line.")
    boolean noProgress;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Image files, folders of images, or video files.")
    List<Path> paths = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream err = System.err;
        if (stereo) {
            return produceStereo(err);
        }
        if (topic == null) {
            topic = Topics.FRAMES;
        }
        if (synthetic == !paths.isEmpty()) {
            err.println("error: give PATH... or --synthetic (exactly one of them)");
            return 2;
        }
        try (FrameSource source = openSource();
             FrameProducer producer = FrameProducer.create(kafka.load(),
                     new FrameProducer.Options(topic, sourceId(), rate, maxFrameBytes))) {
            ProgressLine progress = new ProgressLine(err, !noProgress);
            FrameProducer.Result r = producer.sendAll(source, limit, progress::update);
            producer.flush();
            r = producer.result();
            progress.finish();
            err.println(summary(r, source.description()));
            return r.failed() == 0 ? 0 : 1;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private int produceStereo(PrintStream err) {
        if (synthetic == (leftDir != null || rightDir != null) || (!synthetic && (leftDir == null || rightDir == null))) {
            err.println("error: --stereo needs --left DIR and --right DIR, or --synthetic (exactly one of them)");
            return 2;
        }
        String t = topic != null ? topic : Topics.STEREO_PAIRS;
        String rig = sourceId != null ? sourceId
                : synthetic ? "synthetic-rig" : leftDir.toAbsolutePath().normalize().getFileName().toString();
        long start = System.nanoTime();
        try (StereoPairProducer producer = StereoPairProducer.create(kafka.load(), t, rig, rate, maxFrameBytes)) {
            StereoPairProducer.Result r;
            if (synthetic) {
                r = producer.sendSynthetic(new SyntheticStereoRig(width, height, syntheticDisparity, seed), limit > 0 ? limit : 10);
            } else {
                try (ImageFileSource l = new ImageFileSource(List.of(leftDir), recursive, false);
                     ImageFileSource rr = new ImageFileSource(List.of(rightDir), recursive, false)) {
                    if (l.files().size() != rr.files().size()) {
                        err.println("error: " + l.files().size() + " left image(s) but " + rr.files().size() + " right image(s)");
                        return 2;
                    }
                    boolean known = rectified || focalLengthPx > 0 || baselineM > 0;
                    Calibration c = known ? Calibration.newBuilder().setFocalLengthPx(focalLengthPx).setBaselineM(baselineM)
                            .setRectified(rectified).build() : null;
                    r = producer.sendAll(l, rr, c, limit);
                }
            }
            err.printf(Locale.ROOT, "%s: sent %d stereo pair(s) as %s to %s, failed %d, in %.1f s%n", rig, r.sent(), rig, t,
                    r.failed(), (System.nanoTime() - start) / 1e9);
            return r.failed() == 0 ? 0 : 1;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private String sourceId() {
        if (sourceId != null) {
            return sourceId;
        }
        return synthetic ? "synthetic" : paths.get(0).toAbsolutePath().normalize().getFileName().toString();
    }

    private FrameSource openSource() {
        if (synthetic) {
            return new SyntheticCamera(SyntheticCamera.Options.defaults().withSize(width, height).withSeed(seed)
                    .withJpegQuality(jpegQuality));
        }
        List<Supplier<FrameSource>> openers = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("no such file or folder: " + p);
            }
            if (Files.isDirectory(p) || ImageFileSource.isImageFile(p)) {
                images.add(p);
            } else {
                flushImages(images, openers);
                openers.add(() -> new VideoFileSource(p, jpegQuality, frameStep, false));
            }
        }
        flushImages(images, openers);
        return FrameSources.concat(openers, loop, paths.size() == 1 ? paths.get(0).toString() : paths.size() + " inputs");
    }

    /** Consecutive image paths become one source, keeping the given order of arguments. */
    private void flushImages(List<Path> images, List<Supplier<FrameSource>> openers) {
        if (!images.isEmpty()) {
            List<Path> copy = List.copyOf(images);
            ImageFileSource check = new ImageFileSource(copy, recursive, false); // fail early on missing paths
            check.close();
            openers.add(() -> new ImageFileSource(copy, recursive, false));
            images.clear();
        }
    }

    static String summary(FrameProducer.Result r, String what) {
        double s = r.elapsedNanos() / 1e9;
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "%s: sent %d, acknowledged %d, failed %d, %.1f MB in %.1f s (%.1f frames/s)", what, r.sent(),
                r.acknowledged(), r.failed(), r.bytesSent() / 1e6, s, s > 0 ? r.sent() / s : 0));
        r.failureReasons().forEach((k, v) -> b.append(String.format(Locale.ROOT, "%n  %d x %s%s", v, k,
                k.equals(FrameProducer.OVERSIZE) ? " (larger than --max-frame-bytes)" : "")));
        return b.toString();
    }

    /** A single stderr line redrawn in place with \r, at most 5 times a second. */
    static final class ProgressLine {
        private final PrintStream out;
        private final boolean enabled;
        private long lastDraw;
        private int lastLength;
        private FrameProducer.Progress last;

        ProgressLine(PrintStream out, boolean enabled) {
            this.out = out;
            this.enabled = enabled;
        }

        void update(FrameProducer.Progress p) {
            last = p;
            long now = System.nanoTime();
            if (enabled && now - lastDraw > 200_000_000L) {
                lastDraw = now;
                draw(render(p));
            }
        }

        void finish() {
            if (enabled && last != null) {
                draw(render(last));
                out.println();
            }
        }

        private void draw(String line) {
            // pad with spaces so a shorter line fully covers the previous one
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            out.flush();
            lastLength = line.length();
        }

        static String render(FrameProducer.Progress p) {
            FrameProducer.Result r = p.counts();
            double s = Math.max(1e-9, r.elapsedNanos() / 1e9);
            double fps = r.sent() / s;
            String rates = String.format(Locale.ROOT, "%d frames  %.1f fps  %.2f MB/s", r.sent(), fps, r.bytesSent() / 1e6 / s);
            String failed = r.failed() > 0 ? "  failed " + r.failed() : "";
            if (p.expectedFrames().isPresent() && p.expectedFrames().getAsLong() > 0) {
                long total = p.expectedFrames().getAsLong();
                int width = 24;
                int filled = (int) Math.min(width, width * p.offered() / total);
                long remaining = Math.max(0, total - p.offered());
                String eta = fps > 0 ? eta((long) (remaining / (p.offered() / s))) : "?";
                return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + p.offered() + "/" + total + "  "
                        + rates + "  ETA " + eta + failed;
            }
            return rates + failed;
        }

        private static String eta(long seconds) {
            return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
        }
    }
}
