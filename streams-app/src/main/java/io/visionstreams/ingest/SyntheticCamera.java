package io.visionstreams.ingest;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import io.visionstreams.schema.FrameEncoding;

/**
 * A camera that draws its own frames: a gradient with a fixed noise texture, a few filled circles,
 * rectangles and triangles that bounce around, and a frame counter. Everything derives from the
 * seed and the frame index (positions are computed in closed form, not stepped), so frame i is the
 * same bytes on every run and {@link #groundTruth(long)} can be asked for any i. It needs no files
 * and no device, which makes it the input for demos, benchmarks and detector evaluation.
 */
public final class SyntheticCamera implements FrameSource {

    /** Class names, matching the labels the stub detector emits. */
    public static final List<String> LABELS = List.of("circle", "rectangle", "triangle");

    /** A drawn object's label and its box in pixels: [x1, y1) to [x2, y2), x2/y2 exclusive. */
    public record GroundTruthBox(String label, int x1, int y1, int x2, int y2) {
    }

    /** Rendering options; {@code frames} &lt; 0 means endless. */
    public record Options(int width, int height, long seed, int shapes, FrameEncoding encoding, int jpegQuality,
                          long frames) {
        public Options {
            if (width < 64 || height < 64) {
                throw new IllegalArgumentException("synthetic frames need at least 64x64, got " + width + "x" + height);
            }
            if (shapes < 0) {
                throw new IllegalArgumentException("shape count must be >= 0");
            }
            if (encoding != FrameEncoding.JPEG && encoding != FrameEncoding.PNG) {
                throw new IllegalArgumentException("synthetic camera encodes JPEG or PNG, not " + encoding);
            }
            OpenCvEncoding.checkQuality(jpegQuality);
        }

        public static Options defaults() {
            return new Options(640, 480, 42L, 5, FrameEncoding.JPEG, 90, -1);
        }

        public Options withSize(int w, int h) {
            return new Options(w, h, seed, shapes, encoding, jpegQuality, frames);
        }

        public Options withSeed(long s) {
            return new Options(width, height, s, shapes, encoding, jpegQuality, frames);
        }

        public Options withFrames(long n) {
            return new Options(width, height, seed, shapes, encoding, jpegQuality, n);
        }

        public Options withJpegQuality(int q) {
            return new Options(width, height, seed, shapes, encoding, q, frames);
        }

        public Options withShapes(int n) {
            return new Options(width, height, seed, n, encoding, jpegQuality, frames);
        }

        public Options withEncoding(FrameEncoding e) {
            return new Options(width, height, seed, shapes, e, jpegQuality, frames);
        }
    }

    private record Shape(String label, int w, int h, double x0, double y0, double vx, double vy, Color color) {
    }

    private final Options options;
    private final BufferedImage background;
    private final List<Shape> shapes;
    private long next;

    public SyntheticCamera(Options options) {
        this.options = options;
        Random rnd = new Random(options.seed());
        this.background = renderBackground(options.width(), options.height(), rnd);
        this.shapes = makeShapes(options, rnd);
    }

    public SyntheticCamera(int width, int height, long seed) {
        this(Options.defaults().withSize(width, height).withSeed(seed));
    }

    public Options options() {
        return options;
    }

    private static BufferedImage renderBackground(int w, int h, Random rnd) {
        BufferedImage bg = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bg.createGraphics();
        try {
            Color a = new Color(40 + rnd.nextInt(60), 60 + rnd.nextInt(60), 90 + rnd.nextInt(60));
            Color b = new Color(150 + rnd.nextInt(60), 140 + rnd.nextInt(60), 110 + rnd.nextInt(60));
            g.setPaint(new GradientPaint(0, 0, a, w, h, b));
            g.fillRect(0, 0, w, h);
        } finally {
            g.dispose();
        }
        // low-amplitude per-pixel texture so the background is not trivially flat for a detector
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = bg.getRGB(x, y);
                int d = rnd.nextInt(17) - 8;
                int r = clamp(((rgb >> 16) & 0xFF) + d);
                int gr = clamp(((rgb >> 8) & 0xFF) + d);
                int bl = clamp((rgb & 0xFF) + d);
                bg.setRGB(x, y, (r << 16) | (gr << 8) | bl);
            }
        }
        return bg;
    }

    private static List<Shape> makeShapes(Options o, Random rnd) {
        int minDim = Math.min(o.width(), o.height());
        List<Shape> out = new ArrayList<>();
        for (int i = 0; i < o.shapes(); i++) {
            String label = LABELS.get(i % LABELS.size());
            int w = minDim / 12 + rnd.nextInt(Math.max(1, minDim / 8));
            int h = label.equals("circle") ? w : minDim / 12 + rnd.nextInt(Math.max(1, minDim / 8));
            double x0 = rnd.nextDouble() * (o.width() - w);
            double y0 = rnd.nextDouble() * (o.height() - h);
            // at least 1.5 px/frame on each axis so consecutive frames always differ
            double vx = (1.5 + rnd.nextDouble() * 6) * (rnd.nextBoolean() ? 1 : -1);
            double vy = (1.5 + rnd.nextDouble() * 6) * (rnd.nextBoolean() ? 1 : -1);
            // saturated colours stand out against the muted background
            Color c = Color.getHSBColor(rnd.nextFloat(), 0.8f + 0.2f * rnd.nextFloat(), 0.85f + 0.15f * rnd.nextFloat());
            out.add(new Shape(label, w, h, x0, y0, vx, vy, c));
        }
        return List.copyOf(out);
    }

    /** Position on [0, range] of a point moving with constant speed and bouncing off both ends. */
    private static int bounce(double p, int range) {
        if (range <= 0) {
            return 0;
        }
        double period = 2.0 * range;
        double m = p % period;
        if (m < 0) {
            m += period;
        }
        return (int) Math.round(m <= range ? m : period - m);
    }

    /** Boxes of the objects drawn in frame {@code i}, in drawing order (later ones may occlude earlier). */
    public List<GroundTruthBox> groundTruth(long i) {
        List<GroundTruthBox> out = new ArrayList<>(shapes.size());
        for (Shape s : shapes) {
            int x = bounce(s.x0() + s.vx() * i, options.width() - s.w());
            int y = bounce(s.y0() + s.vy() * i, options.height() - s.h());
            out.add(new GroundTruthBox(s.label(), x, y, x + s.w(), y + s.h()));
        }
        return out;
    }

    /** Renders frame {@code i} (TYPE_3BYTE_BGR). */
    public BufferedImage render(long i) {
        BufferedImage img = new BufferedImage(options.width(), options.height(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        try {
            // no antialiasing: edges then match the ground-truth boxes exactly, and output is bit-stable
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.drawImage(background, 0, 0, null);
            List<GroundTruthBox> boxes = groundTruth(i);
            for (int k = 0; k < shapes.size(); k++) {
                g.setColor(shapes.get(k).color());
                fill(g, boxes.get(k));
            }
            drawCounter(g, i);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void fill(Graphics2D g, GroundTruthBox b) {
        int w = b.x2() - b.x1();
        int h = b.y2() - b.y1();
        switch (b.label()) {
            case "circle" -> g.fillOval(b.x1(), b.y1(), w, h);
            case "rectangle" -> g.fillRect(b.x1(), b.y1(), w, h);
            default -> g.fillPolygon(new Polygon(new int[] {b.x1(), b.x1() + w / 2, b.x2()},
                    new int[] {b.y2(), b.y1(), b.y2()}, 3));
        }
    }

    /**
     * For each object of frame {@code i} (in {@link #groundTruth} order), the fraction of its own pixels
     * left visible once the later objects and the frame counter are drawn over it: 0 for an object hidden
     * entirely. Shapes may overlap, unlike in the detector's training scenes, so an evaluation can set
     * mostly hidden objects aside instead of counting them as misses.
     */
    public double[] visibleFractions(long i) {
        List<GroundTruthBox> boxes = groundTruth(i);
        int n = boxes.size();
        BufferedImage ids = new BufferedImage(options.width(), options.height(), BufferedImage.TYPE_INT_RGB);
        long[] own = new long[n];
        long[] visible = new long[n];
        Graphics2D g = ids.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            for (int k = 0; k < n; k++) { // each object alone: its own pixel count
                g.setColor(Color.BLACK);
                g.fillRect(0, 0, options.width(), options.height());
                g.setColor(new Color(k + 1));
                fill(g, boxes.get(k));
                own[k] = count(ids, k + 1);
            }
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, options.width(), options.height());
            for (int k = 0; k < n; k++) { // all of them in drawing order, then the counter on top
                g.setColor(new Color(k + 1));
                fill(g, boxes.get(k));
            }
            drawCounter(g, i);
        } finally {
            g.dispose();
        }
        int[] px = ids.getRGB(0, 0, options.width(), options.height(), null, 0, options.width());
        for (int p : px) {
            int id = p & 0xFFFFFF;
            if (id >= 1 && id <= n) {
                visible[id - 1]++;
            }
        }
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            out[k] = own[k] == 0 ? 0 : (double) visible[k] / own[k];
        }
        return out;
    }

    private static long count(BufferedImage ids, int id) {
        long c = 0;
        for (int p : ids.getRGB(0, 0, ids.getWidth(), ids.getHeight(), null, 0, ids.getWidth())) {
            if ((p & 0xFFFFFF) == id) {
                c++;
            }
        }
        return c;
    }

    /** The encoded bytes of frame {@code i}. */
    public EncodedFrame frame(long i) {
        BufferedImage img = render(i);
        byte[] data = options.encoding() == FrameEncoding.PNG ? png(img) : jpeg(img, options.jpegQuality());
        return new EncodedFrame("synthetic#" + i, options.encoding(), options.width(), options.height(), data,
                Map.of("synthetic.seed", Long.toString(options.seed()), "synthetic.frame", Long.toString(i)));
    }

    // --- the frame counter: seven-segment digits drawn with rectangles, so no font is needed
    // (headless servers often have none, and font rasterisation differs between machines)

    private static final int[] SEGMENTS = {0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F};

    private void drawCounter(Graphics2D g, long i) {
        String digits = Long.toString(i);
        int s = Math.max(2, options.height() / 120); // segment thickness
        int dw = 4 * s;
        int dh = 7 * s;
        int pad = s * 2;
        g.setColor(Color.BLACK);
        g.fillRect(pad, pad, digits.length() * (dw + 2 * s) + 2 * s, dh + 4 * s);
        g.setColor(Color.WHITE);
        int x = pad + 2 * s;
        int y = pad + 2 * s;
        for (char c : digits.toCharArray()) {
            int m = SEGMENTS[c - '0'];
            int half = dh / 2;
            if ((m & 0x01) != 0) g.fillRect(x, y, dw, s);                      // a: top
            if ((m & 0x02) != 0) g.fillRect(x + dw - s, y, s, half);           // b: upper right
            if ((m & 0x04) != 0) g.fillRect(x + dw - s, y + half, s, half);    // c: lower right
            if ((m & 0x08) != 0) g.fillRect(x, y + dh - s, dw, s);             // d: bottom
            if ((m & 0x10) != 0) g.fillRect(x, y + half, s, half);             // e: lower left
            if ((m & 0x20) != 0) g.fillRect(x, y, s, half);                    // f: upper left
            if ((m & 0x40) != 0) g.fillRect(x, y + half - s / 2, dw, s);       // g: middle
            x += dw + 2 * s;
        }
    }

    static byte[] jpeg(BufferedImage img, int quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    static byte[] png(BufferedImage img) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    // --- FrameSource: frames 0, 1, 2, ... up to options.frames()

    @Override
    public boolean hasNext() {
        return options.frames() < 0 || next < options.frames();
    }

    @Override
    public EncodedFrame next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return frame(next++);
    }

    @Override
    public OptionalLong expectedFrames() {
        return options.frames() < 0 ? OptionalLong.empty() : OptionalLong.of(options.frames());
    }

    @Override
    public String description() {
        return "synthetic camera " + options.width() + "x" + options.height() + " seed " + options.seed();
    }

    @Override
    public void close() {
        // pure Java2D: nothing native to release
    }
}
