package io.visionstreams.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldenTensorsTest {

    private static Map<String, float[]> data() {
        Map<String, float[]> d = new LinkedHashMap<>();
        Random r = new Random(1);
        float[] img = new float[1 * 3 * 8 * 8];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) r.nextGaussian();
        }
        d.put("images", img);
        d.put("style_weights", new float[] {0, 1, 0, 0});
        d.put("special", new float[] {Float.NaN, Float.NEGATIVE_INFINITY, -0f});
        return d;
    }

    private static Map<String, long[]> shapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("images", new long[] {1, 3, 8, 8});
        s.put("style_weights", new long[] {1, 4});
        s.put("special", new long[] {3});
        return s;
    }

    @Test
    void roundTripKeepsNamesOrderShapesAndBits(@TempDir Path dir) {
        Path f = dir.resolve("golden-input.bin");
        GoldenTensors.write(f, data(), shapes());
        GoldenTensors.Golden g = GoldenTensors.read(f);
        assertEquals(List.of("images", "style_weights", "special"), List.copyOf(g.data().keySet()));
        for (String name : data().keySet()) {
            assertArrayEquals(shapes().get(name), g.shapes().get(name), name);
            float[] want = data().get(name);
            float[] got = g.data().get(name);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), name + "[" + i + "]");
            }
        }
    }

    @Test
    void writeRefusesInconsistentInput() {
        Map<String, long[]> wrong = shapes();
        wrong.put("images", new long[] {1, 3, 8, 9});
        assertThrows(IllegalArgumentException.class, () -> GoldenTensors.encode(data(), wrong));
        Map<String, long[]> dynamic = shapes();
        dynamic.put("style_weights", new long[] {-1, 4});
        assertThrows(IllegalArgumentException.class, () -> GoldenTensors.encode(data(), dynamic));
        assertThrows(IllegalArgumentException.class, () -> GoldenTensors.encode(data(), Map.of()));
    }

    @Test
    void everySingleBitFlipAndTruncationIsRejectedClearly() {
        byte[] good = GoldenTensors.encode(data(), shapes());
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] b = good.clone();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            expectRejected(b, "bit " + bit);
        }
        for (int len = 0; len < good.length; len++) {
            expectRejected(java.util.Arrays.copyOf(good, len), "length " + len);
        }
    }

    @Test
    void randomAndHostileBytesNeverAllocateMoreThanTheFileHolds() {
        Random r = new Random(42);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 3000; i++) {
                byte[] b = new byte[r.nextInt(200)];
                r.nextBytes(b);
                if (i % 2 == 0 && b.length >= 4) {
                    System.arraycopy(new byte[] {'V', 'S', 'G', 'T'}, 0, b, 0, 4);
                }
                expectRejected(withValidCrc(b), "random case " + i);
            }
        });
        // well-formed header and CRC, but a tensor claiming 2^31 floats: must fail before allocating 8 GiB
        ByteBuffer hostile = ByteBuffer.allocate(4 + 1 + 4 + 2 + 1 + 1 + 8 * 2 + 4);
        hostile.put(new byte[] {'V', 'S', 'G', 'T'}).put((byte) 1).putInt(1).putShort((short) 1).put((byte) 'x')
                .put((byte) 2).putLong(1L << 16).putLong(1L << 15);
        IllegalArgumentException e = expectRejected(withValidCrc(hostile.array()), "huge tensor");
        assertNotNull(e.getMessage());
        ByteBuffer manyTensors = ByteBuffer.allocate(4 + 1 + 4 + 4);
        manyTensors.put(new byte[] {'V', 'S', 'G', 'T'}).put((byte) 1).putInt(Integer.MAX_VALUE);
        expectRejected(withValidCrc(manyTensors.array()), "huge count");
    }

    @Test
    void readNamesTheFile(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("bad.bin"), new byte[] {1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoldenTensors.read(f));
        assertTrue(e.getMessage().contains("bad.bin"), e.getMessage());
    }

    @Test
    void mismatchFindsTheWorstValueBeyondTolerance() {
        Map<String, float[]> expected = Map.of("y", new float[] {1f, 100f, Float.NaN});
        assertNull(GoldenTensors.mismatch(expected, Map.of("y", new float[] {1.0001f, 100.05f, Float.NaN}), 1e-3, 1e-3));
        String m = GoldenTensors.mismatch(expected, Map.of("y", new float[] {1.0f, 101f, Float.NaN}), 1e-3, 1e-3);
        assertNotNull(m);
        assertTrue(m.contains("[1]"), m);
        assertNotNull(GoldenTensors.mismatch(expected, Map.of("y", new float[] {1f, 100f, 0f}), 1e-3, 1e-3), "NaN vs number");
        assertNotNull(GoldenTensors.mismatch(expected, Map.of(), 1e-3, 1e-3));
        assertNotNull(GoldenTensors.mismatch(expected, Map.of("y", new float[2]), 1e-3, 1e-3));
    }

    /** The bytes with a correct trailing CRC, so the parser itself (not the checksum) must reject them. */
    private static byte[] withValidCrc(byte[] b) {
        if (b.length < 4) {
            return b;
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b, b.length - 4, 4).putInt((int) crc.getValue());
        return b;
    }

    private static IllegalArgumentException expectRejected(byte[] b, String what) {
        try {
            GoldenTensors.decode(b);
        } catch (IllegalArgumentException e) {
            return e;
        } catch (Throwable t) {
            fail(what + ": expected IllegalArgumentException, got " + t, t);
        }
        // random bytes can form a valid file only by extraordinary luck; a valid empty file is the one plausible case
        if (b.length == 13) {
            return new IllegalArgumentException("valid empty file");
        }
        fail(what + ": corrupt bytes were accepted");
        return null;
    }
}
