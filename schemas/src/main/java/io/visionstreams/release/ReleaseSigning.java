package io.visionstreams.release;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import io.visionstreams.schema.AvroSerde;
import io.visionstreams.schema.ModelArtifact;
import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.VisionSerdes;

/**
 * Signs and verifies {@link ModelRelease} records with Ed25519.
 *
 * <p>The signed bytes ({@link #canonicalBytes}) are the project's single-object Avro encoding of the
 * record with {@code signature} set to empty bytes and every {@code tags} map in key order. Sorting
 * matters: Avro writes maps in iteration order, and a decoded map is a HashMap, so without it the
 * publisher and an instance could encode the same record to different bytes.
 */
public final class ReleaseSigning {

    private static final AvroSerde<ModelRelease> SERDE = VisionSerdes.modelRelease();

    private ReleaseSigning() {
    }

    /** The bytes the signature covers. */
    public static byte[] canonicalBytes(ModelRelease r) {
        ModelRelease c = ModelRelease.newBuilder(r).setSignature(ByteBuffer.allocate(0)).build();
        List<ModelArtifact> artifacts = new ArrayList<>();
        for (ModelArtifact a : c.getArtifacts()) {
            artifacts.add(ModelArtifact.newBuilder(a).setTags(a.getTags() == null ? null : new TreeMap<>(a.getTags())).build());
        }
        c.setArtifacts(artifacts);
        return SERDE.encode(c);
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
        try {
            r = b.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("incomplete release record: " + e.getMessage(), e);
        }
        byte[] payload = canonicalBytes(r);
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
     * Checks that the release is signed by a trusted key and unaltered since.
     *
     * @throws ReleaseRejectedException UNTRUSTED_KEY when its key id is not trusted, BAD_SIGNATURE when the
     *                                  signature does not verify with that key
     */
    public static void verify(ModelRelease r, TrustedKeys trusted) throws ReleaseRejectedException {
        String id = r.getKeyId();
        PublicKey pub = trusted.find(id).orElseThrow(() -> new ReleaseRejectedException(RejectReason.UNTRUSTED_KEY,
                describe(r) + " is signed with key " + id + ", which is not trusted here (trusted: " + trusted.keyIds() + ")"));
        ByteBuffer sigBuf = r.getSignature();
        if (sigBuf == null || !sigBuf.hasRemaining()) {
            throw new ReleaseRejectedException(RejectReason.BAD_SIGNATURE, describe(r) + " has no signature");
        }
        ByteBuffer dup = sigBuf.duplicate(); // reading must not move the record's buffer
        byte[] sig = new byte[dup.remaining()];
        dup.get(sig);
        byte[] payload;
        try {
            payload = canonicalBytes(r);
        } catch (RuntimeException e) {
            throw new ReleaseRejectedException(RejectReason.BAD_SIGNATURE, describe(r) + " cannot be encoded: " + e.getMessage(), e);
        }
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
            throw new ReleaseRejectedException(RejectReason.BAD_SIGNATURE, describe(r)
                    + ": signature does not verify with trusted key " + id + " (altered after signing, or forged)");
        }
    }

    static String describe(ModelRelease r) {
        return "release " + r.getModelName() + "/" + r.getVersion();
    }
}
