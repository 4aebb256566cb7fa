package io.visionstreams.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.visionstreams.imaging.ImageDecodeException.Reason;
import io.visionstreams.schema.FrameEncoding;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated JPEG/PNG payloads: decode must return an image of the declared size or throw
 * ImageDecodeException; any other exception, a JVM crash or a hang fails the build.
 */
class ImageCodecFuzzTest {

    private static final int W = 48;
    private static final int H = 32;
    private static final int ROUNDS = 300;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mutatedJpeg() {
        fuzz(FrameEncoding.JPEG, ImageCodec.encodeJpeg(TestImages.gradient(W, H), 85), 0x5EED_0001L);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mutatedPng() {
        fuzz(FrameEncoding.PNG, ImageCodec.encodePng(TestImages.gradient(W, H)), 0x5EED_0002L);
    }

    private static void fuzz(FrameEncoding enc, byte[] valid, long seed) {
        Random rnd = new Random(seed);
        ImageLimits limits = ImageLimits.defaults();
        Map<Reason, Integer> seen = new EnumMap<>(Reason.class);
        int decoded = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int kind = round % 6;
            byte[] data = mutate(enc, valid, kind, rnd);
            boolean declared = rnd.nextBoolean();
            int dw = declared ? W : 0;
            int dh = declared ? H : 0;
            boolean gray = rnd.nextInt(4) == 0;
            try {
                Image img = gray ? ImageCodec.decodeGray(enc, data, dw, dh, limits)
                        : ImageCodec.decodeRgb(enc, data, dw, dh, limits);
                if (declared) {
                    assertEquals(W, img.width(), "round " + round);
                    assertEquals(H, img.height(), "round " + round);
                } else {
                    assertTrue(limits.allows(img.width(), img.height()), "round " + round + ": " + img);
                }
                assertEquals(gray ? 1 : 3, img.channels());
                decoded++;
            } catch (ImageDecodeException e) {
                seen.merge(e.reason(), 1, Integer::sum);
                if (kind == 5) { // forged huge header must be refused from the header, never decoded
                    assertEquals(Reason.TOO_LARGE, e.reason(), "round " + round + ": " + e.getMessage());
                }
            } catch (Throwable t) {
                fail("round " + round + " (mutation " + kind + ") threw " + t, t);
            }
        }
        // the corpus must actually exercise both outcomes, otherwise the test proves nothing
        assertTrue(decoded > 0, "nothing decoded: " + seen);
        assertTrue(seen.getOrDefault(Reason.TRUNCATED, 0) > 0, "no truncation detected: " + seen);
        assertTrue(seen.getOrDefault(Reason.TOO_LARGE, 0) >= ROUNDS / 6, "huge headers not refused: " + seen);
    }

    private static byte[] mutate(FrameEncoding enc, byte[] valid, int kind, Random rnd) {
        switch (kind) {
            case 0: { // a few byte flips anywhere
                byte[] d = valid.clone();
                for (int i = 1 + rnd.nextInt(8); i > 0; i--) {
                    d[rnd.nextInt(d.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
                return d;
            }
            case 1: // truncation at a random point
                return Arrays.copyOf(valid, 1 + rnd.nextInt(valid.length - 1));
            case 2: { // insert random bytes at a random point
                int at = rnd.nextInt(valid.length);
                byte[] ins = new byte[1 + rnd.nextInt(32)];
                rnd.nextBytes(ins);
                byte[] d = new byte[valid.length + ins.length];
                System.arraycopy(valid, 0, d, 0, at);
                System.arraycopy(ins, 0, d, at, ins.length);
                System.arraycopy(valid, at, d, at + ins.length, valid.length - at);
                return d;
            }
            case 3: { // garbage, sometimes behind the right magic so it reaches the header parser
                byte[] d = new byte[1 + rnd.nextInt(2048)];
                rnd.nextBytes(d);
                if (rnd.nextBoolean()) {
                    System.arraycopy(valid, 0, d, 0, Math.min(d.length, enc == FrameEncoding.PNG ? 16 : 4));
                }
                return d;
            }
            case 4: { // valid header, garbage body, intact end marker
                byte[] d = valid.clone();
                int from = d.length / 3;
                for (int i = from; i < d.length - 12; i++) {
                    d[i] = (byte) rnd.nextInt(256);
                }
                return d;
            }
            default: { // decompression bomb: huge dimensions on a small payload
                int w = 9000 + rnd.nextInt(56000);
                int h = 9000 + rnd.nextInt(56000);
                return enc == FrameEncoding.JPEG ? Headers.withJpegSize(valid, w, h)
                        : Headers.withPngSize(valid, rnd.nextBoolean() ? w : 0x7FFFFFFFL + rnd.nextInt(1000), h);
            }
        }
    }
}
