package io.visionstreams.release;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Golden input/output tensors of a release: named float32 tensors in a small self-describing file, so an
 * instance can check that the model it loaded computes what the publisher's model computed.
 *
 * <pre>
 * "VSGT" magic, u8 format version (1), u32 tensor count          all integers big-endian
 * per tensor: u16 name length, UTF-8 name, u8 rank, rank × i64 dims, elements × float32
 * u32 CRC-32 of everything before it
 * </pre>
 *
 * Reading treats the bytes as untrusted: every length is checked against the bytes actually left
 * before anything is allocated, so a corrupt file gives an {@link IllegalArgumentException} naming the
 * problem, never an OutOfMemoryError.
 */
public final class GoldenTensors {

    public record Golden(Map<String, long[]> shapes, Map<String, float[]> data) {
    }

    private static final byte[] MAGIC = {'V', 'S', 'G', 'T'};
    private static final int FORMAT = 1;
    static final int MAX_TENSORS = 64;
    static final int MAX_RANK = 8;
    static final int MAX_NAME = 1024;
    /** Largest golden file read: 512 MiB, far above any golden batch of one sample. */
    static final long MAX_FILE_BYTES = 512L << 20;

    private GoldenTensors() {
    }

    public static void write(Path file, Map<String, float[]> data, Map<String, long[]> shapes) {
        try {
            Files.write(file, encode(data, shapes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write golden tensors " + file + ": " + e.getMessage(), e);
        }
    }

    public static byte[] encode(Map<String, float[]> data, Map<String, long[]> shapes) {
        if (!data.keySet().equals(shapes.keySet())) {
            throw new IllegalArgumentException("data and shapes name different tensors: " + data.keySet() + " vs " + shapes.keySet());
        }
        if (data.size() > MAX_TENSORS) {
            throw new IllegalArgumentException("at most " + MAX_TENSORS + " tensors, got " + data.size());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(FORMAT);
            out.writeInt(data.size());
            for (Map.Entry<String, float[]> e : data.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                long[] shape = shapes.get(e.getKey());
                if (name.length == 0 || name.length > MAX_NAME || shape.length > MAX_RANK) {
                    throw new IllegalArgumentException("tensor '" + e.getKey() + "': name of 1.." + MAX_NAME
                            + " bytes and rank up to " + MAX_RANK + " required");
                }
                long n = 1;
                for (long d : shape) {
                    if (d < 0) {
                        throw new IllegalArgumentException("tensor '" + e.getKey() + "' has a dynamic dimension " + Arrays.toString(shape));
                    }
                    n = Math.multiplyExact(n, d);
                }
                if (n != e.getValue().length) {
                    throw new IllegalArgumentException("tensor '" + e.getKey() + "' shape " + Arrays.toString(shape)
                            + " needs " + n + " values, got " + e.getValue().length);
                }
                out.writeShort(name.length);
                out.write(name);
                out.writeByte(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
                for (float f : e.getValue()) {
                    out.writeFloat(f);
                }
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when the file is not a valid golden tensor file (names the problem)
     * @throws UncheckedIOException     when it cannot be read
     */
    public static Golden read(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(file + ": " + size + " bytes is too large for a golden tensor file");
            }
            return decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden tensors " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static Golden decode(byte[] bytes) {
        if (bytes.length < MAGIC.length + 1 + 4 + 4 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IllegalArgumentException("not a golden tensor file (no VSGT header)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 4).order(ByteOrder.BIG_ENDIAN);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw new IllegalArgumentException("golden tensor file is corrupt (CRC-32 mismatch)");
        }
        in.position(MAGIC.length);
        try {
            int format = in.get() & 0xff;
            if (format != FORMAT) {
                throw new IllegalArgumentException("golden tensor format " + format + " is not supported (expected " + FORMAT + ")");
            }
            int count = in.getInt();
            if (count < 0 || count > MAX_TENSORS) {
                throw new IllegalArgumentException("bad tensor count " + count);
            }
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> data = new LinkedHashMap<>();
            for (int t = 0; t < count; t++) {
                int nameLen = in.getShort() & 0xffff;
                if (nameLen == 0 || nameLen > MAX_NAME || nameLen > in.remaining()) {
                    throw new IllegalArgumentException("tensor " + t + ": bad name length " + nameLen);
                }
                byte[] nameBytes = new byte[nameLen];
                in.get(nameBytes);
                String name = utf8(nameBytes, t);
                int rank = in.get() & 0xff;
                if (rank > MAX_RANK) {
                    throw new IllegalArgumentException("tensor '" + name + "': rank " + rank + " exceeds " + MAX_RANK);
                }
                long[] shape = new long[rank];
                long n = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.getLong();
                    if (shape[d] < 0 || shape[d] > in.remaining()) {
                        throw new IllegalArgumentException("tensor '" + name + "': bad dimension " + shape[d]);
                    }
                    n = Math.multiplyExact(n, shape[d]);
                }
                // checked before allocating: a corrupt dimension cannot ask for more than the file holds
                if (n > in.remaining() / 4) {
                    throw new IllegalArgumentException("tensor '" + name + "' " + Arrays.toString(shape) + " needs "
                            + n * 4 + " bytes, only " + in.remaining() + " left");
                }
                float[] values = new float[(int) n];
                in.asFloatBuffer().get(values);
                in.position(in.position() + values.length * 4);
                if (shapes.put(name, shape) != null) {
                    throw new IllegalArgumentException("tensor '" + name + "' appears twice");
                }
                data.put(name, values);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes after the last tensor");
            }
            return new Golden(Collections.unmodifiableMap(shapes), Collections.unmodifiableMap(data));
        } catch (BufferUnderflowException | ArithmeticException e) {
            throw new IllegalArgumentException("golden tensor file is truncated or corrupt", e);
        }
    }

    private static String utf8(byte[] b, int t) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("tensor " + t + ": name is not UTF-8");
        }
    }

    /**
     * The first difference beyond tolerance between expected and actual tensors, or null when every expected
     * tensor is present with the same length and every value satisfies |a − e| ≤ absTol + relTol·|e|.
     */
    public static String mismatch(Map<String, float[]> expected, Map<String, float[]> actual, double absTol, double relTol) {
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            float[] a = actual.get(e.getKey());
            if (a == null) {
                return "output '" + e.getKey() + "' is missing";
            }
            float[] x = e.getValue();
            if (a.length != x.length) {
                return "output '" + e.getKey() + "' has " + a.length + " values, expected " + x.length;
            }
            double worst = 0;
            int at = -1;
            for (int i = 0; i < x.length; i++) {
                double diff = Math.abs((double) a[i] - x[i]);
                double excess = Float.isNaN(a[i]) != Float.isNaN(x[i]) ? Double.POSITIVE_INFINITY
                        : Float.isNaN(x[i]) ? 0 : diff - (absTol + relTol * Math.abs(x[i]));
                if (excess > worst) {
                    worst = excess;
                    at = i;
                }
            }
            if (at >= 0) {
                return "output '" + e.getKey() + "'[" + at + "] = " + a[at] + ", expected " + x[at]
                        + " (tolerance " + absTol + " + " + relTol + "·|expected|)";
            }
        }
        return null;
    }
}
