package io.visionstreams.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Decoding untrusted bytes must either yield a record or throw Kafka's SerializationException (which
 * the topologies turn into a dead letter). Anything else — another exception type, an
 * OutOfMemoryError from a corrupt length, a hang — would kill a stream thread or the whole JVM.
 */
class DecodeFuzzTest {

    private static final Duration PER_CASE = Duration.ofSeconds(5);
    private static final int CASES_PER_SEED = 400;

    @Test
    void mutatedFramesDecodeOrFailCleanly() {
        Outcome o = fuzz(VisionSerdes.frame(), VisionSerdes.frame().encode(TestRecords.frame("cam-1", 42)), 1);
        // the mutations must exercise both outcomes, or the test proves little
        assertTrue(o.decoded > 0 && o.rejected > CASES_PER_SEED / 2, o.toString());
    }

    @Test
    void mutatedDetectionsDecodeOrFailCleanly() {
        Outcome o = fuzz(VisionSerdes.detections(), VisionSerdes.detections().encode(TestRecords.detections()), 2);
        assertTrue(o.decoded > 0 && o.rejected > CASES_PER_SEED / 2, o.toString());
    }

    /** Hand-made bodies whose length or count fields claim far more than the message holds. */
    @Test
    void hugeDeclaredLengthsAreRejectedWithoutAllocating() throws IOException {
        byte[] frameHeader = Arrays.copyOf(VisionSerdes.frame().encode(TestRecords.frame("x", 1)), 10);
        byte[] detHeader = Arrays.copyOf(VisionSerdes.detections().encode(TestRecords.detections()), 10);
        long[] lengths = {Integer.MAX_VALUE - 8, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE, -5};

        for (long n : lengths) {
            // Frame whose first string (sourceId) claims n bytes
            mustReject(VisionSerdes.frame(), concat(frameHeader, body(e -> e.writeLong(n))));
            // Frame whose data bytes claim n bytes
            mustReject(VisionSerdes.frame(), concat(frameHeader, body(e -> {
                frameFieldsBeforeData(e);
                e.writeLong(n);
            })));
            // Frame whose metadata map claims n entries
            mustReject(VisionSerdes.frame(), concat(frameHeader, body(e -> {
                frameFieldsBeforeData(e);
                e.writeBytes(new byte[] {1, 2});
                e.writeLong(n);
            })));
            // Detections whose detections array claims n items
            mustReject(VisionSerdes.detections(), concat(detHeader, body(e -> {
                e.writeString("cam");
                e.writeLong(1);
                e.writeLong(0);
                e.writeIndex(0);
                e.writeIndex(0);
                e.writeIndex(0); // source: three null unions
                e.writeString("m");
                e.writeString("1");
                e.writeString(""); // model
                for (int i = 0; i < 5; i++) {
                    e.writeLong(0);
                }
                e.writeInt(1); // latency
                e.writeInt(64);
                e.writeInt(48);
                e.writeLong(n);
            })));
        }
    }

    @Test
    void trailingBytesAfterAValidRecordAreRejected() {
        byte[] ok = VisionSerdes.frame().encode(TestRecords.frame("cam-1", 1));
        byte[] longer = Arrays.copyOf(ok, ok.length + 1);
        SerializationException e = assertThrows(SerializationException.class, () -> VisionSerdes.frame().decode(longer));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    // ---------------------------------------------------------------- harness

    record Outcome(int decoded, int rejected) {
    }

    private static <T extends SpecificRecordBase> Outcome fuzz(AvroSerde<T> serde, byte[] valid, long seed) {
        Random rnd = new Random(seed);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < CASES_PER_SEED; i++) {
            byte[] input = mutate(valid, rnd, i % 7);
            String what = "case " + i + " (kind " + (i % 7) + ", seed " + seed + ")";
            if (decodeOrReject(serde, input, what)) {
                decoded++;
            } else {
                rejected++;
            }
        }
        return new Outcome(decoded, rejected);
    }

    /** True when decoded, false when rejected with SerializationException; fails the test otherwise. */
    private static <T extends SpecificRecordBase> boolean decodeOrReject(AvroSerde<T> serde, byte[] input, String what) {
        return assertTimeoutPreemptively(PER_CASE, () -> {
            try {
                T value = serde.deserialize("fuzz", input);
                assertEquals(serde.type(), value.getClass(), what);
                return true;
            } catch (SerializationException expected) {
                return false;
            } catch (Throwable t) { // OutOfMemoryError included: it must never get this far
                fail(what + ": decode threw " + t + " instead of SerializationException", t);
                return false;
            }
        }, what + " hung");
    }

    private static <T extends SpecificRecordBase> void mustReject(AvroSerde<T> serde, byte[] input) {
        assertTrue(!decodeOrReject(serde, input, "crafted " + Arrays.toString(Arrays.copyOfRange(input, 10, input.length))));
    }

    private static byte[] mutate(byte[] valid, Random rnd, int kind) {
        byte[] b = valid.clone();
        switch (kind) {
            case 0 -> { // 1..4 bit flips anywhere
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    int pos = rnd.nextInt(b.length);
                    b[pos] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length)); // truncation
            case 2 -> { // extension with random bytes
                byte[] extra = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(extra);
                b = concat(b, extra);
            }
            case 3 -> { // entirely random bytes
                b = new byte[rnd.nextInt(2 * valid.length)];
                rnd.nextBytes(b);
            }
            case 4 -> { // wrong header: marker or fingerprint damaged
                int pos = rnd.nextInt(10);
                b[pos] = (byte) (b[pos] + 1 + rnd.nextInt(255));
            }
            case 5 -> { // valid header, random body
                byte[] body = new byte[rnd.nextInt(2 * valid.length)];
                rnd.nextBytes(body);
                b = concat(Arrays.copyOf(valid, 10), body);
            }
            default -> { // overwrite a run of body bytes with 0xFF/random (continuation bits: huge varints)
                int pos = 10 + rnd.nextInt(b.length - 10);
                int len = Math.min(b.length - pos, 1 + rnd.nextInt(10));
                for (int j = 0; j < len; j++) {
                    b[pos + j] = rnd.nextBoolean() ? (byte) 0xFF : (byte) rnd.nextInt(256);
                }
            }
        }
        return b;
    }

    interface Writes {
        void to(BinaryEncoder e) throws IOException;
    }

    private static byte[] body(Writes w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
        w.to(e);
        e.flush();
        return out.toByteArray();
    }

    private static void frameFieldsBeforeData(BinaryEncoder e) throws IOException {
        e.writeString("cam");
        e.writeLong(1);
        e.writeLong(TestRecords.T0.toEpochMilli());
        e.writeEnum(0);
        e.writeInt(2);
        e.writeInt(1);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
