package io.visionstreams.imaging;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.visionstreams.imaging.ImageDecodeException.Reason;
import io.visionstreams.schema.FrameEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decoding / encoding of frame payloads with OpenCV (libjpeg-turbo, libpng).
 *
 * <p>Payloads are untrusted: the container structure is checked in Java first (magic, declared
 * dimensions against {@link ImageLimits}, truncation) so that a decompression bomb never allocates
 * and a truncated JPEG is not silently accepted as a half-grey frame.
 *
 * <p>Every method is static and keeps no shared state; each call owns its native memory through a
 * thread-local {@link PointerScope}, so calls from several stream threads are safe and nothing leaks
 * on any exit path (including exceptions).
 */
public final class ImageCodec {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    // EXIF orientation is ignored: the frame's pixels must keep the size the producer declared and the
    // header states; rotating would swap width/height behind the caller's back.
    private static final int READ_RGB = opencv_imgcodecs.IMREAD_COLOR_RGB | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
    private static final int READ_GRAY = opencv_imgcodecs.IMREAD_GRAYSCALE | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;

    private ImageCodec() {
    }

    /** Decodes any FrameEncoding to a 3-channel RGB Image. declaredWidth/Height: 0 = unknown; otherwise must match (RAW_* require them). */
    public static Image decodeRgb(FrameEncoding encoding, byte[] data, int declaredWidth, int declaredHeight,
            ImageLimits limits) throws ImageDecodeException {
        return decode(encoding, data, declaredWidth, declaredHeight, limits, 3);
    }

    /** Same, but to 1-channel gray (for stereo/patch matching later). */
    public static Image decodeGray(FrameEncoding encoding, byte[] data, int declaredWidth, int declaredHeight,
            ImageLimits limits) throws ImageDecodeException {
        return decode(encoding, data, declaredWidth, declaredHeight, limits, 1);
    }

    /** Sniffs JPEG/PNG magic bytes; UNKNOWN otherwise. */
    /** Encoding and pixel size read from a JPEG or PNG header, without decoding the image. */
    public record HeaderInfo(FrameEncoding encoding, int width, int height) {
    }

    /**
     * Reads encoding and size from the first bytes (no pixel decode): what a producer needs to fill in
     * a Frame without paying for a decode. Same strict header walk the decoder uses.
     *
     * @throws ImageDecodeException when the bytes are neither JPEG nor PNG, or the header is broken
     */
    public static HeaderInfo header(byte[] data) throws ImageDecodeException {
        FrameEncoding enc = sniff(data);
        int[] wh = switch (enc) {
            case JPEG -> jpegHeaderSize(data);
            case PNG -> pngHeader(data);
            default -> throw new ImageDecodeException(Reason.UNKNOWN_ENCODING,
                    "neither JPEG nor PNG: first bytes " + hexPrefix(data, 0, 8));
        };
        return new HeaderInfo(enc, wh[0], wh[1]);
    }

    public static FrameEncoding sniff(byte[] data) {
        if (data == null) {
            return FrameEncoding.UNKNOWN;
        }
        if (data.length >= 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8 && (data[2] & 0xFF) == 0xFF) {
            return FrameEncoding.JPEG;
        }
        if (startsWith(data, PNG_MAGIC)) {
            return FrameEncoding.PNG;
        }
        return FrameEncoding.UNKNOWN;
    }

    // ---------------------------------------------------------------- decoding

    private static Image decode(FrameEncoding encoding, byte[] data, int declaredWidth, int declaredHeight,
            ImageLimits limits, int outChannels) throws ImageDecodeException {
        Objects.requireNonNull(limits, "limits");
        if (data == null || data.length == 0) {
            throw new ImageDecodeException(Reason.EMPTY, "frame payload is empty (encoding " + encoding + ")");
        }
        if (data.length > limits.maxBytes()) {
            throw new ImageDecodeException(Reason.TOO_LARGE, "payload is " + data.length + " bytes, limit is "
                    + limits.maxBytes());
        }
        if (declaredWidth < 0 || declaredHeight < 0) {
            throw new ImageDecodeException(Reason.WRONG_DIMENSIONS, "declared size must be >= 0 (0 = unknown), found "
                    + declaredWidth + "x" + declaredHeight);
        }
        if (declaredWidth > 0 || declaredHeight > 0) {
            checkLimits(declaredWidth, declaredHeight, limits, "declared");
        }
        if (encoding == null) {
            encoding = FrameEncoding.UNKNOWN;
        }
        switch (encoding) {
            case RAW_GRAY8:
                return decodeRaw(encoding, data, declaredWidth, declaredHeight, 1, outChannels);
            case RAW_RGB8:
            case RAW_BGR8:
                return decodeRaw(encoding, data, declaredWidth, declaredHeight, 3, outChannels);
            case JPEG: {
                requireFormat(FrameEncoding.JPEG, data);
                int[] wh = jpegHeaderSize(data);
                checkHeader(FrameEncoding.JPEG, wh, declaredWidth, declaredHeight, limits);
                requireJpegEoi(data);
                return decodeWithOpenCv(FrameEncoding.JPEG, data, wh, outChannels);
            }
            case PNG: {
                requireFormat(FrameEncoding.PNG, data);
                int[] wh = pngHeader(data);
                checkHeader(FrameEncoding.PNG, wh, declaredWidth, declaredHeight, limits);
                requirePngIend(data);
                return decodeWithOpenCv(FrameEncoding.PNG, data, wh, outChannels);
            }
            default: {
                FrameEncoding looksLike = sniff(data);
                throw new ImageDecodeException(Reason.UNKNOWN_ENCODING, "encoding " + encoding
                        + " is not decodable; expected one of JPEG, PNG, RAW_GRAY8, RAW_RGB8, RAW_BGR8"
                        + (looksLike != FrameEncoding.UNKNOWN ? " (bytes look like " + looksLike + ")" : ""));
            }
        }
    }

    private static Image decodeRaw(FrameEncoding encoding, byte[] data, int width, int height, int inChannels,
            int outChannels) throws ImageDecodeException {
        if (width == 0 || height == 0) {
            throw new ImageDecodeException(Reason.WRONG_DIMENSIONS, encoding
                    + " needs the declared width and height, found " + width + "x" + height);
        }
        long expected = (long) width * height * inChannels;
        if (data.length != expected) {
            throw new ImageDecodeException(Reason.WRONG_DIMENSIONS, encoding + " " + width + "x" + height
                    + " needs exactly " + expected + " bytes, found " + data.length);
        }
        int n = width * height;
        if (inChannels == outChannels) {
            byte[] px = data.clone(); // the caller's buffer may be reused (Kafka record); never alias it
            if (encoding == FrameEncoding.RAW_BGR8) {
                for (int i = 0; i < px.length; i += 3) {
                    byte b = px[i];
                    px[i] = px[i + 2];
                    px[i + 2] = b;
                }
            }
            return new Image(width, height, outChannels, px);
        }
        if (inChannels == 1) { // gray -> RGB: replicate
            byte[] px = new byte[n * 3];
            for (int i = 0, j = 0; i < n; i++, j += 3) {
                px[j] = data[i];
                px[j + 1] = data[i];
                px[j + 2] = data[i];
            }
            return new Image(width, height, 3, px);
        }
        // colour -> gray with OpenCV's weights, so it matches what IMREAD_GRAYSCALE-ish paths produce
        int code = encoding == FrameEncoding.RAW_BGR8 ? opencv_imgproc.COLOR_BGR2GRAY : opencv_imgproc.COLOR_RGB2GRAY;
        try (PointerScope scope = new PointerScope()) {
            Mat src = wrap(width, height, 3, data);
            Mat gray = new Mat();
            opencv_imgproc.cvtColor(src, gray, code);
            return toImage(gray, 1);
        }
    }

    private static Image decodeWithOpenCv(FrameEncoding encoding, byte[] data, int[] headerWh, int outChannels)
            throws ImageDecodeException {
        try (PointerScope scope = new PointerScope()) {
            BytePointer buf = new BytePointer(data);
            Mat encoded = new Mat(1, data.length, CV_8UC1, buf);
            Mat decoded;
            try {
                decoded = opencv_imgcodecs.imdecode(encoded, outChannels == 3 ? READ_RGB : READ_GRAY);
            } catch (RuntimeException e) {
                // cv::Exception surfaces as RuntimeException; it is still a property of the payload
                throw new ImageDecodeException(Reason.UNDECODABLE, encoding + " decoder failed: " + e.getMessage());
            }
            if (decoded == null || decoded.empty()) {
                throw new ImageDecodeException(Reason.UNDECODABLE, encoding + " header says " + headerWh[0] + "x"
                        + headerWh[1] + " but the " + encoding + " decoder could not decode the data (corrupt)");
            }
            if (decoded.cols() != headerWh[0] || decoded.rows() != headerWh[1]) {
                throw new ImageDecodeException(Reason.UNDECODABLE, encoding + " header says " + headerWh[0] + "x"
                        + headerWh[1] + " but the decoder produced " + decoded.cols() + "x" + decoded.rows());
            }
            int expectedType = outChannels == 3 ? CV_8UC3 : CV_8UC1;
            if (decoded.type() != expectedType) {
                throw new ImageDecodeException(Reason.UNDECODABLE, encoding + " decoder produced Mat type "
                        + decoded.type() + ", expected " + expectedType);
            }
            return toImage(decoded, outChannels);
        }
    }

    private static void requireFormat(FrameEncoding expected, byte[] data) throws ImageDecodeException {
        FrameEncoding actual = sniff(data);
        if (actual == expected) {
            return;
        }
        if (actual != FrameEncoding.UNKNOWN) {
            throw new ImageDecodeException(Reason.UNKNOWN_ENCODING, "frame is labelled " + expected
                    + " but the bytes are " + actual);
        }
        throw new ImageDecodeException(Reason.UNDECODABLE, "frame is labelled " + expected + " but does not start with the "
                + expected + " signature; first bytes: " + hexPrefix(data, 8));
    }

    private static void checkHeader(FrameEncoding encoding, int[] wh, int declaredWidth, int declaredHeight,
            ImageLimits limits) throws ImageDecodeException {
        checkLimits(wh[0], wh[1], limits, encoding + " header");
        if (declaredWidth != 0 && declaredWidth != wh[0] || declaredHeight != 0 && declaredHeight != wh[1]) {
            throw new ImageDecodeException(Reason.WRONG_DIMENSIONS, "declared " + declaredWidth + "x" + declaredHeight
                    + " but the " + encoding + " header says " + wh[0] + "x" + wh[1]);
        }
    }

    private static void checkLimits(long width, long height, ImageLimits limits, String what)
            throws ImageDecodeException {
        if (!limits.allows(width, height)) {
            throw new ImageDecodeException(Reason.TOO_LARGE, what + " size " + width + "x" + height
                    + " exceeds limits " + limits.maxWidth() + "x" + limits.maxHeight() + ", " + limits.maxPixels()
                    + " pixels");
        }
    }

    /**
     * Walks the JPEG marker segments up to the first SOFn and returns {width, height}. Strict on purpose: a
     * structure we cannot follow exactly is rejected, so libjpeg can never reach a different SOF than the one
     * whose dimensions were checked.
     */
    private static int[] jpegHeaderSize(byte[] d) throws ImageDecodeException {
        int pos = 2; // after SOI
        while (true) {
            if (pos + 1 >= d.length) {
                throw new ImageDecodeException(Reason.TRUNCATED, "JPEG ends after " + d.length
                        + " bytes before any SOF (frame header) marker");
            }
            if ((d[pos] & 0xFF) != 0xFF) {
                throw new ImageDecodeException(Reason.UNDECODABLE, "JPEG: expected a marker (FF xx) at offset " + pos
                        + ", found " + hexPrefix(d, pos, 2));
            }
            int marker = d[pos + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte before a marker is legal
                pos++;
                continue;
            }
            pos += 2;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // standalone markers, no length
            }
            if (marker == 0xD8 || marker == 0xD9 || marker == 0xDA || marker == 0x00) {
                throw new ImageDecodeException(Reason.UNDECODABLE, String.format(Locale.ROOT,
                        "JPEG: expected a frame header (SOFn) before marker FF%02X at offset %d", marker, pos - 2));
            }
            if (pos + 2 > d.length) {
                throw new ImageDecodeException(Reason.TRUNCATED, "JPEG ends inside the segment length at offset " + pos);
            }
            int len = ((d[pos] & 0xFF) << 8) | (d[pos + 1] & 0xFF);
            if (len < 2) {
                throw new ImageDecodeException(Reason.UNDECODABLE, "JPEG: segment length " + len + " at offset " + pos
                        + " is invalid (must be >= 2)");
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (len < 8 || pos + 7 > d.length) {
                    throw new ImageDecodeException(pos + 7 > d.length ? Reason.TRUNCATED : Reason.UNDECODABLE,
                            "JPEG frame header at offset " + pos + " is incomplete (length " + len + ", "
                                    + (d.length - pos) + " bytes left)");
                }
                int height = ((d[pos + 3] & 0xFF) << 8) | (d[pos + 4] & 0xFF);
                int width = ((d[pos + 5] & 0xFF) << 8) | (d[pos + 6] & 0xFF);
                if (width == 0 || height == 0) {
                    throw new ImageDecodeException(Reason.UNDECODABLE, "JPEG frame header declares size " + width + "x"
                            + height + "; expected both > 0");
                }
                return new int[] {width, height};
            }
            pos += len;
        }
    }

    /** libjpeg decodes a cut-off stream into a partly grey frame with only a warning, so require the EOI marker. */
    private static void requireJpegEoi(byte[] d) throws ImageDecodeException {
        int end = d.length;
        while (end > 0 && d[end - 1] == 0) { // some transports pad with zeros
            end--;
        }
        if (end < 4 || (d[end - 2] & 0xFF) != 0xFF || (d[end - 1] & 0xFF) != 0xD9) {
            throw new ImageDecodeException(Reason.TRUNCATED, "JPEG must end with the EOI marker FFD9 (trailing zero"
                    + " padding allowed), found last bytes " + hexPrefix(d, Math.max(0, end - 4), 4) + " after "
                    + d.length + " bytes");
        }
    }

    /** Reads IHDR (which must be the first chunk) and returns {width, height, bitDepth, colorType}. */
    private static int[] pngHeader(byte[] d) throws ImageDecodeException {
        if (d.length < 8 + 8 + 13) {
            throw new ImageDecodeException(Reason.TRUNCATED, "PNG of " + d.length
                    + " bytes ends before the end of the IHDR chunk (needs 29 bytes)");
        }
        int len = readInt(d, 8);
        if (len != 13 || d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
            throw new ImageDecodeException(Reason.UNDECODABLE, "PNG: expected an IHDR chunk of length 13 first, found "
                    + hexPrefix(d, 8, 8));
        }
        long width = readInt(d, 16) & 0xFFFFFFFFL;
        long height = readInt(d, 20) & 0xFFFFFFFFL;
        if (width == 0 || height == 0) {
            throw new ImageDecodeException(Reason.UNDECODABLE, "PNG IHDR declares size " + width + "x" + height
                    + "; expected both > 0");
        }
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new ImageDecodeException(Reason.TOO_LARGE, "PNG IHDR declares size " + width + "x" + height);
        }
        return new int[] {(int) width, (int) height, d[24] & 0xFF, d[25] & 0xFF};
    }

    /** Follows the chunk lengths to an IEND chunk; anything cut short is TRUNCATED. */
    private static void requirePngIend(byte[] d) throws ImageDecodeException {
        long pos = 8;
        while (pos + 8 <= d.length) {
            long len = readInt(d, (int) pos) & 0xFFFFFFFFL;
            int type = (int) pos + 4;
            if (d[type] == 'I' && d[type + 1] == 'E' && d[type + 2] == 'N' && d[type + 3] == 'D') {
                return;
            }
            if (len > Integer.MAX_VALUE) {
                throw new ImageDecodeException(Reason.UNDECODABLE, "PNG chunk at offset " + pos + " has invalid length "
                        + len);
            }
            pos += 12 + len; // length, type, data, CRC
        }
        throw new ImageDecodeException(Reason.TRUNCATED, "PNG has no IEND chunk: the data (" + d.length
                + " bytes) ends inside or after the chunk at offset " + Math.min(pos, d.length));
    }

    // ---------------------------------------------------------------- encoding

    public static byte[] encodeJpeg(Image img, int quality) {
        if (quality < 0 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 0..100, got " + quality);
        }
        return encode(img, ".jpg", new int[] {opencv_imgcodecs.IMWRITE_JPEG_QUALITY, quality});
    }

    /** 8-bit gray or RGB, lossless. */
    public static byte[] encodePng(Image img) {
        return encode(img, ".png", new int[] {opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 3});
    }

    /** 16-bit gray PNG (disparity maps, KITTI convention: values are unsigned, e.g. disparity*256, 0 = invalid). */
    public static byte[] encodePng16(int width, int height, short[] values) {
        if (width <= 0 || height <= 0 || values == null || values.length != (long) width * height) {
            throw new IllegalArgumentException("need " + width + "x" + height + " values, got "
                    + (values == null ? "null" : values.length));
        }
        try (PointerScope scope = new PointerScope()) {
            ShortPointer data = new ShortPointer(values);
            Mat m = new Mat(height, width, CV_16UC1, data);
            return imencode(".png", m, new int[] {opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 3});
        }
    }

    /** Decodes a 16-bit single-channel PNG; widthHeightOut receives {width, height}. Uses {@link ImageLimits#defaults()}. */
    public static short[] decodePng16(byte[] png, int[] widthHeightOut) throws ImageDecodeException {
        if (widthHeightOut == null || widthHeightOut.length < 2) {
            throw new IllegalArgumentException("widthHeightOut must have room for 2 ints");
        }
        ImageLimits limits = ImageLimits.defaults();
        if (png == null || png.length == 0) {
            throw new ImageDecodeException(Reason.EMPTY, "16-bit PNG payload is empty");
        }
        if (png.length > limits.maxBytes()) {
            throw new ImageDecodeException(Reason.TOO_LARGE, "payload is " + png.length + " bytes, limit is "
                    + limits.maxBytes());
        }
        requireFormat(FrameEncoding.PNG, png);
        int[] hdr = pngHeader(png);
        checkLimits(hdr[0], hdr[1], limits, "PNG header");
        if (hdr[2] != 16 || hdr[3] != 0) {
            throw new ImageDecodeException(Reason.UNDECODABLE, "expected a 16-bit grayscale PNG (bit depth 16, colour"
                    + " type 0), found bit depth " + hdr[2] + ", colour type " + hdr[3]);
        }
        requirePngIend(png);
        try (PointerScope scope = new PointerScope()) {
            Mat encoded = new Mat(1, png.length, CV_8UC1, new BytePointer(png));
            Mat decoded;
            try {
                decoded = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_UNCHANGED);
            } catch (RuntimeException e) {
                throw new ImageDecodeException(Reason.UNDECODABLE, "PNG decoder failed: " + e.getMessage());
            }
            if (decoded == null || decoded.empty() || decoded.type() != CV_16UC1 || decoded.cols() != hdr[0]
                    || decoded.rows() != hdr[1]) {
                throw new ImageDecodeException(Reason.UNDECODABLE, "PNG header says 16-bit gray " + hdr[0] + "x"
                        + hdr[1] + " but the decoder could not produce that (corrupt data)");
            }
            short[] out = new short[hdr[0] * hdr[1]];
            new ShortPointer(decoded.data()).get(out);
            widthHeightOut[0] = hdr[0];
            widthHeightOut[1] = hdr[1];
            return out;
        }
    }

    /** Convenience for the CLI: reads a JPEG or PNG file (sniffed, not by extension) to RGB with default limits. */
    public static Image read(Path file) throws IOException, ImageDecodeException {
        byte[] data = Files.readAllBytes(file);
        FrameEncoding enc = sniff(data);
        if (enc == FrameEncoding.UNKNOWN && data.length > 0) {
            throw new ImageDecodeException(Reason.UNKNOWN_ENCODING, file + " is neither JPEG nor PNG; first bytes: "
                    + hexPrefix(data, 8));
        }
        return decodeRgb(enc, data, 0, 0, ImageLimits.defaults());
    }

    /** Writes by extension: .jpg/.jpeg (quality 95) or .png. */
    public static void write(Image img, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        byte[] data;
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            data = encodeJpeg(img, 95);
        } else if (name.endsWith(".png")) {
            data = encodePng(img);
        } else {
            throw new IllegalArgumentException("unsupported image extension (want .jpg, .jpeg or .png): " + file);
        }
        Files.write(file, data);
    }

    private static byte[] encode(Image img, String ext, int[] params) {
        Objects.requireNonNull(img, "img");
        try (PointerScope scope = new PointerScope()) {
            Mat m = wrap(img.width(), img.height(), img.channels(), img.pixels());
            if (img.channels() == 3) { // OpenCV encoders expect BGR
                Mat bgr = new Mat();
                opencv_imgproc.cvtColor(m, bgr, opencv_imgproc.COLOR_RGB2BGR);
                m = bgr;
            }
            return imencode(ext, m, params);
        }
    }

    /** Must be called inside a PointerScope. */
    private static byte[] imencode(String ext, Mat m, int[] params) {
        BytePointer out = new BytePointer();
        IntPointer p = new IntPointer(params);
        if (!opencv_imgcodecs.imencode(ext, m, out, p)) {
            throw new IllegalStateException("OpenCV could not encode " + ext);
        }
        // the vector<uchar> adapter points `out` at a native buffer of limit() bytes that the scope frees
        byte[] result = new byte[(int) out.limit()];
        out.get(result);
        out.close();
        return result;
    }

    // ---------------------------------------------------------------- helpers (call inside a PointerScope)

    /** Copies Java pixels into native memory owned by the current scope and wraps them in a Mat header. */
    static Mat wrap(int width, int height, int channels, byte[] pixels) {
        BytePointer data = new BytePointer(pixels);
        return new Mat(height, width, channels == 3 ? CV_8UC3 : CV_8UC1, data);
    }

    /** Copies a continuous (or not) 8-bit Mat out to the Java heap. */
    static Image toImage(Mat m, int channels) {
        Mat c = m.isContinuous() ? m : m.clone();
        byte[] px = new byte[m.cols() * m.rows() * channels];
        c.data().get(px);
        return new Image(m.cols(), m.rows(), channels, px);
    }

    private static int readInt(byte[] d, int off) {
        return ((d[off] & 0xFF) << 24) | ((d[off + 1] & 0xFF) << 16) | ((d[off + 2] & 0xFF) << 8) | (d[off + 3] & 0xFF);
    }

    private static boolean startsWith(byte[] d, byte[] prefix) {
        if (d.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (d[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hexPrefix(byte[] d, int n) {
        return hexPrefix(d, 0, n);
    }

    private static String hexPrefix(byte[] d, int from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < Math.min(d.length, from + n); i++) {
            sb.append(String.format(Locale.ROOT, "%02X", d[i] & 0xFF));
        }
        return sb.length() == 0 ? "(none)" : sb.toString();
    }
}
