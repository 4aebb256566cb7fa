package io.visionstreams.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.visionstreams.imaging.ImageDecodeException.Reason;
import io.visionstreams.schema.FrameEncoding;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCodecTest {

    private static final ImageLimits LIMITS = ImageLimits.defaults();
    private static final Image IMG = TestImages.gradient(64, 48);

    private static ImageDecodeException fails(Reason expected, FrameEncoding enc, byte[] data, int w, int h) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageCodec.decodeRgb(enc, data, w, h, LIMITS));
        assertEquals(expected, e.reason(), e.getMessage());
        return e;
    }

    // ------------------------------------------------------------ round trips

    @Test
    void jpegRoundTripIsClose() throws Exception {
        byte[] jpg = ImageCodec.encodeJpeg(IMG, 95);
        assertEquals(FrameEncoding.JPEG, ImageCodec.sniff(jpg));
        Image back = ImageCodec.decodeRgb(FrameEncoding.JPEG, jpg, 64, 48, LIMITS);
        assertEquals(64, back.width());
        assertEquals(48, back.height());
        assertEquals(3, back.channels());
        assertTrue(TestImages.meanAbsError(IMG.pixels(), back.pixels()) < 3.0, "RGB order must survive encode/decode");
        Image unknownSize = ImageCodec.decodeRgb(FrameEncoding.JPEG, jpg, 0, 0, LIMITS);
        assertArrayEquals(back.pixels(), unknownSize.pixels());
    }

    @Test
    void pngRoundTripIsExact() throws Exception {
        byte[] png = ImageCodec.encodePng(IMG);
        assertEquals(FrameEncoding.PNG, ImageCodec.sniff(png));
        assertArrayEquals(IMG.pixels(), ImageCodec.decodeRgb(FrameEncoding.PNG, png, 64, 48, LIMITS).pixels());
        Image gray = new Image(3, 2, 1, new byte[] {0, 10, 20, (byte) 200, (byte) 255, 7});
        byte[] grayPng = ImageCodec.encodePng(gray);
        assertArrayEquals(gray.pixels(), ImageCodec.decodeGray(FrameEncoding.PNG, grayPng, 3, 2, LIMITS).pixels());
        Image asRgb = ImageCodec.decodeRgb(FrameEncoding.PNG, grayPng, 3, 2, LIMITS);
        assertEquals((byte) 200, asRgb.pixels()[9]);
        assertEquals((byte) 200, asRgb.pixels()[11]);
    }

    @Test
    void rawRoundTripsAreExact() throws Exception {
        assertArrayEquals(IMG.pixels(), ImageCodec.decodeRgb(FrameEncoding.RAW_RGB8, IMG.pixels(), 64, 48, LIMITS)
                .pixels());
        byte[] gray = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(gray, ImageCodec.decodeGray(FrameEncoding.RAW_GRAY8, gray, 3, 2, LIMITS).pixels());
        Image rgb = ImageCodec.decodeRgb(FrameEncoding.RAW_GRAY8, gray, 3, 2, LIMITS);
        assertArrayEquals(new byte[] {4, 4, 4}, Arrays.copyOfRange(rgb.pixels(), 9, 12));
    }

    @Test
    void rawBgrIsSwappedToRgb() throws Exception {
        byte[] bgr = {10, 20, 30, 40, 50, 60};
        byte[] copy = bgr.clone();
        Image img = ImageCodec.decodeRgb(FrameEncoding.RAW_BGR8, bgr, 2, 1, LIMITS);
        assertArrayEquals(new byte[] {30, 20, 10, 60, 50, 40}, img.pixels());
        assertArrayEquals(copy, bgr, "the caller's buffer must not be modified");
        // gray from BGR must weight blue as blue: pure blue is darker than pure red in BT.601
        Image blue = ImageCodec.decodeGray(FrameEncoding.RAW_BGR8, new byte[] {(byte) 255, 0, 0}, 1, 1, LIMITS);
        Image red = ImageCodec.decodeGray(FrameEncoding.RAW_RGB8, new byte[] {(byte) 255, 0, 0}, 1, 1, LIMITS);
        assertEquals(29, blue.pixels()[0] & 0xFF, 1);
        assertEquals(76, red.pixels()[0] & 0xFF, 1);
    }

    @Test
    void decodeGrayFromJpegMatchesLuma() throws Exception {
        Image gray = ImageCodec.decodeGray(FrameEncoding.JPEG, ImageCodec.encodeJpeg(IMG, 95), 64, 48, LIMITS);
        assertEquals(1, gray.channels());
        byte[] expected = ImageCodec.decodeGray(FrameEncoding.RAW_RGB8, IMG.pixels(), 64, 48, LIMITS).pixels();
        assertTrue(TestImages.meanAbsError(expected, gray.pixels()) < 3.0);
    }

    @Test
    void png16RoundTripIsExact() throws Exception {
        short[] v = new short[5 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (short) (i * 4000 + 1); // goes past 32767: unsigned values must survive
        }
        byte[] png = ImageCodec.encodePng16(5, 3, v);
        int[] wh = new int[2];
        assertArrayEquals(v, ImageCodec.decodePng16(png, wh));
        assertArrayEquals(new int[] {5, 3}, wh);
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageCodec.decodePng16(ImageCodec.encodePng(IMG), wh));
        assertEquals(Reason.UNDECODABLE, e.reason());
        assertTrue(e.getMessage().contains("bit depth 8"), e.getMessage());
    }

    @Test
    void readAndWriteFiles(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("a.PNG");
        ImageCodec.write(IMG, png);
        assertArrayEquals(IMG.pixels(), ImageCodec.read(png).pixels());
        Path jpg = dir.resolve("a.jpeg");
        ImageCodec.write(IMG, jpg);
        assertTrue(TestImages.meanAbsError(IMG.pixels(), ImageCodec.read(jpg).pixels()) < 3.0);
        assertThrows(IllegalArgumentException.class, () -> ImageCodec.write(IMG, dir.resolve("a.bmp")));
    }

    // ------------------------------------------------------------ bad input, one per reason

    @Test
    void emptyPayload() {
        fails(Reason.EMPTY, FrameEncoding.JPEG, new byte[0], 0, 0);
        fails(Reason.EMPTY, FrameEncoding.RAW_RGB8, null, 2, 2);
    }

    @Test
    void unknownOrMislabelledEncoding() {
        byte[] png = ImageCodec.encodePng(IMG);
        ImageDecodeException e = fails(Reason.UNKNOWN_ENCODING, FrameEncoding.UNKNOWN, png, 0, 0);
        assertTrue(e.getMessage().contains("look like PNG"), e.getMessage());
        e = fails(Reason.UNKNOWN_ENCODING, FrameEncoding.JPEG, png, 0, 0);
        assertTrue(e.getMessage().contains("labelled JPEG") && e.getMessage().contains("are PNG"), e.getMessage());
        fails(Reason.UNKNOWN_ENCODING, FrameEncoding.PNG, ImageCodec.encodeJpeg(IMG, 80), 0, 0);
        fails(Reason.UNKNOWN_ENCODING, null, png, 0, 0);
        e = fails(Reason.UNDECODABLE, FrameEncoding.JPEG, "hello world".getBytes(), 0, 0);
        assertTrue(e.getMessage().contains("68656C6C"), e.getMessage());
    }

    @Test
    void corruptButCompleteIsUndecodable() {
        byte[] png = ImageCodec.encodePng(IMG);
        // flip bytes inside the first IDAT payload: CRC mismatch in a critical chunk
        for (int i = 60; i < 80; i++) {
            png[i] ^= 0x5A;
        }
        fails(Reason.UNDECODABLE, FrameEncoding.PNG, png, 64, 48);
    }

    @Test
    void truncatedJpegAndPng() {
        byte[] jpg = ImageCodec.encodeJpeg(IMG, 90);
        ImageDecodeException e = fails(Reason.TRUNCATED, FrameEncoding.JPEG, Arrays.copyOf(jpg, jpg.length * 2 / 3), 64, 48);
        assertTrue(e.getMessage().contains("EOI"), e.getMessage());
        fails(Reason.TRUNCATED, FrameEncoding.JPEG, Arrays.copyOf(jpg, 10), 0, 0);
        fails(Reason.TRUNCATED, FrameEncoding.JPEG, Arrays.copyOf(jpg, jpg.length - 1), 0, 0);
        byte[] png = ImageCodec.encodePng(IMG);
        fails(Reason.TRUNCATED, FrameEncoding.PNG, Arrays.copyOf(png, png.length - 12), 0, 0); // IEND cut
        fails(Reason.TRUNCATED, FrameEncoding.PNG, Arrays.copyOf(png, png.length / 2), 0, 0);
        fails(Reason.TRUNCATED, FrameEncoding.PNG, Arrays.copyOf(png, 20), 0, 0);
    }

    @Test
    void jpegWithTrailingZeroPaddingIsAccepted() throws Exception {
        byte[] jpg = ImageCodec.encodeJpeg(IMG, 90);
        byte[] padded = Arrays.copyOf(jpg, jpg.length + 37);
        assertEquals(64, ImageCodec.decodeRgb(FrameEncoding.JPEG, padded, 64, 48, LIMITS).width());
    }

    @Test
    void wrongDimensions() {
        ImageDecodeException e = fails(Reason.WRONG_DIMENSIONS, FrameEncoding.RAW_RGB8, new byte[11], 2, 2);
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("11"), e.getMessage());
        fails(Reason.WRONG_DIMENSIONS, FrameEncoding.RAW_GRAY8, new byte[4], 0, 0);
        fails(Reason.WRONG_DIMENSIONS, FrameEncoding.RAW_BGR8, new byte[12], 4, 0);
        e = fails(Reason.WRONG_DIMENSIONS, FrameEncoding.JPEG, ImageCodec.encodeJpeg(IMG, 80), 48, 64);
        assertTrue(e.getMessage().contains("declared 48x64") && e.getMessage().contains("64x48"), e.getMessage());
        fails(Reason.WRONG_DIMENSIONS, FrameEncoding.PNG, ImageCodec.encodePng(IMG), 64, 47);
        fails(Reason.WRONG_DIMENSIONS, FrameEncoding.PNG, ImageCodec.encodePng(IMG), -1, 48);
    }

    @Test
    void tooLargeIsRejectedBeforeDecoding() {
        ImageLimits small = new ImageLimits(100, 8192, 8192, 40_000_000);
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageCodec.decodeRgb(FrameEncoding.PNG, ImageCodec.encodePng(IMG), 0, 0, small));
        assertEquals(Reason.TOO_LARGE, e.reason());
        // a 60000x60000 header on a tiny payload: must be refused from the header alone
        fails(Reason.TOO_LARGE, FrameEncoding.JPEG, Headers.withJpegSize(ImageCodec.encodeJpeg(IMG, 80), 60000, 60000), 0, 0);
        fails(Reason.TOO_LARGE, FrameEncoding.PNG, Headers.withPngSize(ImageCodec.encodePng(IMG), 100_000, 3), 0, 0);
        fails(Reason.TOO_LARGE, FrameEncoding.PNG, Headers.withPngSize(ImageCodec.encodePng(IMG), 8000, 8000), 0, 0);
        fails(Reason.TOO_LARGE, FrameEncoding.RAW_GRAY8, new byte[4], 9000, 1);
        ImageLimits tight = new ImageLimits(1 << 20, 32, 32, 1024);
        e = assertThrows(ImageDecodeException.class,
                () -> ImageCodec.decodeRgb(FrameEncoding.JPEG, ImageCodec.encodeJpeg(IMG, 80), 0, 0, tight));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("64x48") && e.getMessage().contains("32x32"), e.getMessage());
    }

    // ------------------------------------------------------------ native memory and threads

    @Test
    void noNativeAllocationsSurviveACall() throws Exception {
        byte[] jpg = ImageCodec.encodeJpeg(IMG, 90);
        byte[] png = ImageCodec.encodePng(IMG);
        byte[] bad = Arrays.copyOf(png, png.length);
        bad[70] ^= 1;
        Runnable work = () -> {
            try {
                ImageCodec.decodeRgb(FrameEncoding.JPEG, jpg, 64, 48, LIMITS);
                ImageCodec.decodeGray(FrameEncoding.PNG, png, 64, 48, LIMITS);
                ImageCodec.decodeGray(FrameEncoding.RAW_RGB8, IMG.pixels(), 64, 48, LIMITS);
                ImageCodec.encodePng16(2, 2, new short[4]);
                ImageCodec.decodePng16(ImageCodec.encodePng16(2, 2, new short[4]), new int[2]);
                Preprocess.letterboxToTensor(IMG, LetterboxGeometry.compute(64, 48, 32, 32), 114, 1f, new float[3],
                        new float[] {1, 1, 1}, true, new float[3 * 32 * 32], 0);
            } catch (ImageDecodeException e) {
                throw new AssertionError(e);
            }
            assertThrows(ImageDecodeException.class, () -> ImageCodec.decodeRgb(FrameEncoding.PNG, bad, 0, 0, LIMITS));
        };
        work.run(); // warm-up: lazy class/native initialisation may allocate once
        long count = Pointer.totalCount();
        long bytes = Pointer.totalBytes();
        for (int i = 0; i < 50; i++) {
            work.run();
        }
        assertEquals(count, Pointer.totalCount(), "JavaCPP pointers leaked");
        assertEquals(bytes, Pointer.totalBytes(), "JavaCPP native bytes leaked");
    }

    @Test
    void concurrentDecodesAgree() throws Exception {
        byte[] jpg = ImageCodec.encodeJpeg(IMG, 90);
        byte[] expected = ImageCodec.decodeRgb(FrameEncoding.JPEG, jpg, 64, 48, LIMITS).pixels();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> ImageCodec.decodeRgb(FrameEncoding.JPEG, jpg, 64, 48, LIMITS).pixels()));
            }
            for (Future<byte[]> f : results) {
                assertArrayEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
