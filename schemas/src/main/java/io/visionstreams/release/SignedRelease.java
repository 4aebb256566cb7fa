package io.visionstreams.release;

import java.util.Arrays;

import org.apache.avro.message.BadHeaderException;

import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.SingleObjectEncoding;
import io.visionstreams.schema.VisionSchemas;
import io.visionstreams.schema.VisionSerdes;

/**
 * A release record as it was published: its single-object Avro bytes (the form its signature is checked
 * against, in the publisher's schema) and the same record decoded into this build's {@link ModelRelease}.
 * Releases travel through the instance side in this form, so the bytes a topic or the cache delivered are
 * the bytes that are verified and kept, never a re-encoding by this build (see {@link ReleaseSigning}).
 */
public final class SignedRelease {

    private static final AvroSerde<ModelRelease> SERDE = VisionSerdes.modelRelease();

    private final byte[] bytes;
    private final ModelRelease release;

    private SignedRelease(byte[] bytes, ModelRelease release) {
        this.bytes = bytes;
        this.release = release;
    }

    /**
     * A record read from the releases topic or the cache. Not verified yet: pass it to
     * {@link ReleaseSigning#verify}.
     *
     * @throws ReleaseRejectedException UNKNOWN_SCHEMA when its writer schema is not known to this build
     * @throws IllegalArgumentException when the bytes are not a ModelRelease at all (corrupt, or another type)
     */
    public static SignedRelease decode(byte[] bytes) throws ReleaseRejectedException {
        long fingerprint;
        try {
            fingerprint = SingleObjectEncoding.fingerprint(bytes);
        } catch (BadHeaderException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (VisionSchemas.store().findByFingerprint(fingerprint) == null) {
            throw new ReleaseRejectedException(RejectReason.UNKNOWN_SCHEMA, ReleaseSigning.unknownSchema(fingerprint));
        }
        byte[] copy = bytes.clone();
        try {
            return new SignedRelease(copy, SERDE.decode(copy));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a ModelRelease: " + e.getMessage(), e);
        }
    }

    /**
     * A record built in this process (the publisher's own, a test's), encoded as this build publishes it.
     * The release returned by {@link #release()} is decoded from those bytes, so later changes to {@code r}
     * do not reach it.
     */
    public static SignedRelease of(ModelRelease r) {
        byte[] b = SERDE.encode(r);
        return new SignedRelease(b, SERDE.decode(b));
    }

    /** The record as this build reads it. */
    public ModelRelease release() {
        return release;
    }

    /** The published bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The fingerprint of the schema the publisher wrote the record with. */
    public long writerFingerprint() {
        return SingleObjectEncoding.fingerprint(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedRelease other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return ReleaseSigning.describe(release) + String.format(" (schema %016x, %d bytes)", writerFingerprint(),
                bytes.length);
    }
}
