package io.visionstreams.release;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.SchemaStore;

import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.SingleObjectEncoding;
import io.visionstreams.schema.VisionSchemas;
import io.visionstreams.schema.VisionSerdes;

/**
 * Signs and verifies {@link ModelRelease} records with Ed25519.
 *
 * <p>The signed bytes are the record's single-object Avro encoding <em>in the schema its publisher wrote it
 * with</em> (header with that schema's fingerprint, then the body), with {@code signature} set to empty bytes
 * and every map in key order. A verifier therefore never re-encodes the record with its own schema: it looks
 * the writer schema up by the fingerprint in the record ({@link VisionSchemas#store()}: the current schema and
 * every version in {@code history/}), decodes the body with it unresolved, blanks the signature, sorts the
 * maps and encodes with it again. Why: re-encoding with the reader's schema gives other bytes as soon as the
 * schema gained a field, so an upgraded instance would reject every release published before the upgrade as
 * forged. This way a signature also covers fields the verifying build does not know. A writer schema that is
 * not in the store is {@link RejectReason#UNKNOWN_SCHEMA}, never BAD_SIGNATURE.
 *
 * <p>Sorting matters: Avro writes a map in its iteration order and a decoded map is a HashMap, so without it
 * the publisher and an instance could encode the same record to different bytes.
 */
public final class ReleaseSigning {

    private static final AvroSerde<ModelRelease> SERDE = VisionSerdes.modelRelease();
    private static final String RELEASE_TYPE = ModelRelease.getClassSchema().getFullName();

    private ReleaseSigning() {
    }

    /** A decoded record in the exact schema it was written with. */
    private record AsWritten(Schema schema, GenericRecord record) {
    }

    /** The bytes a signature over this build's record covers: what {@link #sign} signs. */
    public static byte[] canonicalBytes(ModelRelease r) {
        byte[] encoded = SERDE.encode(ModelRelease.newBuilder(r).setSignature(ByteBuffer.allocate(0)).build());
        Schema own = ModelRelease.getClassSchema();
        try {
            return canonical(new AsWritten(own, SingleObjectEncoding.readAsWritten(encoded, own)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read back a record this build just encoded", e);
        }
    }

    /**
     * The bytes the signature of a published record covers, computed with the record's writer schema.
     *
     * @throws ReleaseRejectedException UNKNOWN_SCHEMA when the writer schema is not in the store, BAD_SIGNATURE
     *                                  when the bytes are not a readable record
     */
    public static byte[] signedBytes(byte[] published) throws ReleaseRejectedException {
        return signedBytes(published, VisionSchemas.store());
    }

    /** As {@link #signedBytes(byte[])} with the writer schemas in {@code writers}. */
    static byte[] signedBytes(byte[] published, SchemaStore writers) throws ReleaseRejectedException {
        return canonical(readAsWritten(published, writers));
    }

    /**
     * A signed copy: keyId from {@code pub}, publishedAt cut to milliseconds (what the wire carries),
     * signature over the canonical bytes.
     *
     * @throws IllegalArgumentException when the private key does not belong to {@code pub}, or the record is incomplete
     */
    public static ModelRelease sign(ModelRelease unsigned, PrivateKey key, PublicKey pub) {
        ModelRelease.Builder b = ModelRelease.newBuilder(unsigned)
                .setKeyId(ReleaseKeys.keyId(pub))
                .setSignature(ByteBuffer.allocate(0));
        if (b.hasPublishedAt() && b.getPublishedAt() != null) {
            b.setPublishedAt(b.getPublishedAt().truncatedTo(ChronoUnit.MILLIS));
        }
        ModelRelease r;
        byte[] payload;
        try {
            r = b.build();
            payload = canonicalBytes(r);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("incomplete release record: " + e.getMessage(), e);
        }
        byte[] sig;
        try {
            Signature s = Signature.getInstance(ReleaseKeys.ALGORITHM);
            s.initSign(key);
            s.update(payload);
            sig = s.sign();
            // a mismatched pair would publish releases nobody can verify: catch it here, not on every instance
            Signature v = Signature.getInstance(ReleaseKeys.ALGORITHM);
            v.initVerify(pub);
            v.update(payload);
            if (!v.verify(sig)) {
                throw new IllegalArgumentException("the private key does not belong to public key " + ReleaseKeys.keyId(pub));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key (Ed25519 expected): " + e.getMessage(), e);
        }
        r.setSignature(ByteBuffer.wrap(sig));
        return r;
    }

    /**
     * Checks that the release is signed by a trusted key and unaltered since: the signature is checked against
     * the record's bytes as published ({@link SignedRelease#bytes}), read with their writer schema.
     *
     * @throws ReleaseRejectedException UNKNOWN_SCHEMA when the writer schema is not known here, UNTRUSTED_KEY when
     *                                  its key id is not trusted, BAD_SIGNATURE when the signature does not verify
     *                                  with that key
     */
    public static void verify(SignedRelease r, TrustedKeys trusted) throws ReleaseRejectedException {
        verify(r.bytes(), VisionSchemas.store(), trusted);
    }

    /** As {@link #verify(SignedRelease, TrustedKeys)} on published bytes, with the writer schemas in {@code writers}. */
    static void verify(byte[] published, SchemaStore writers, TrustedKeys trusted) throws ReleaseRejectedException {
        AsWritten w = readAsWritten(published, writers);
        String what = "release " + w.record().get("modelName") + "/" + w.record().get("version");
        Object keyId = w.record().get("keyId");
        String id = keyId == null ? "" : keyId.toString();
        PublicKey pub = trusted.find(id).orElseThrow(() -> new ReleaseRejectedException(RejectReason.UNTRUSTED_KEY,
                what + " is signed with key " + id + ", which is not trusted here (trusted: " + trusted.keyIds() + ")"));
        ByteBuffer sigBuf = (ByteBuffer) w.record().get("signature");
        if (sigBuf == null || !sigBuf.hasRemaining()) {
            throw new ReleaseRejectedException(RejectReason.BAD_SIGNATURE, what + " has no signature");
        }
        ByteBuffer dup = sigBuf.duplicate();
        byte[] sig = new byte[dup.remaining()];
        dup.get(sig);
        byte[] payload = canonical(w);
        boolean ok;
        try {
            Signature s = Signature.getInstance(ReleaseKeys.ALGORITHM);
            s.initVerify(pub);
            s.update(payload);
            ok = s.verify(sig);
        } catch (GeneralSecurityException e) { // malformed signature bytes
            ok = false;
        }
        if (!ok) {
            throw new ReleaseRejectedException(RejectReason.BAD_SIGNATURE, what
                    + ": signature does not verify with trusted key " + id + " (altered after signing, or forged)");
        }
    }

    /** The message for a record whose writer schema is not known here. */
    static String unknownSchema(long fingerprint) {
        return String.format("the release record was written with ModelRelease schema %016x, which this build does not"
                + " have (a newer publisher?): its fields and signed bytes cannot be read; upgrade this instance",
                fingerprint);
    }

    private static AsWritten readAsWritten(byte[] published, SchemaStore writers) throws ReleaseRejectedException {
        long fp;
        try {
            fp = SingleObjectEncoding.fingerprint(published);
        } catch (BadHeaderException e) {
            throw new ReleaseRejectedException(RejectReason.BAD_SIGNATURE, "the release record is not what a publisher"
                    + " writes: " + e.getMessage(), e);
        }
        Schema writer = writers.findByFingerprint(fp);
        if (writer == null) {
            throw new ReleaseRejectedException(RejectReason.UNKNOWN_SCHEMA, unknownSchema(fp));
        }
        if (!RELEASE_TYPE.equals(writer.getFullName()) || writer.getField("signature") == null
                || writer.getField("keyId") == null) {
            throw new ReleaseRejectedException(RejectReason.UNKNOWN_SCHEMA, String.format(
                    "schema %016x of the release record is a %s, not a ModelRelease with keyId and signature", fp,
                    writer.getFullName()));
        }
        try {
            return new AsWritten(writer, SingleObjectEncoding.readAsWritten(published, writer));
        } catch (IOException | RuntimeException e) {
            throw new ReleaseRejectedException(RejectReason.BAD_SIGNATURE, String.format(
                    "the release record cannot be read with its writer schema %016x: %s", fp, e.getMessage()), e);
        }
    }

    /** Writer-schema encoding of a copy with the signature empty and every map sorted by key. */
    private static byte[] canonical(AsWritten w) {
        GenericRecord copy = GenericData.get().deepCopy(w.schema(), w.record());
        copy.put("signature", ByteBuffer.allocate(0));
        return SingleObjectEncoding.write(w.schema(), (GenericRecord) sortMaps(w.schema(), copy));
    }

    /** The value with every map (at any depth) replaced by a copy in key order. */
    @SuppressWarnings("unchecked")
    private static Object sortMaps(Schema s, Object v) {
        if (v == null) {
            return null;
        }
        switch (s.getType()) {
            case RECORD -> {
                GenericRecord r = (GenericRecord) v;
                for (Schema.Field f : s.getFields()) {
                    r.put(f.pos(), sortMaps(f.schema(), r.get(f.pos())));
                }
                return r;
            }
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (Object item : (Iterable<Object>) v) {
                    out.add(sortMaps(s.getElementType(), item));
                }
                return out;
            }
            case MAP -> {
                // String keys: the order is the one this class has always signed (String.compareTo)
                Map<String, Object> out = new TreeMap<>();
                for (Map.Entry<Object, Object> e : ((Map<Object, Object>) v).entrySet()) {
                    out.put(e.getKey().toString(), sortMaps(s.getValueType(), e.getValue()));
                }
                return out;
            }
            case UNION -> {
                return sortMaps(s.getTypes().get(GenericData.get().resolveUnion(s, v)), v);
            }
            default -> {
                return v;
            }
        }
    }

    static String describe(ModelRelease r) {
        return "release " + r.getModelName() + "/" + r.getVersion();
    }
}
