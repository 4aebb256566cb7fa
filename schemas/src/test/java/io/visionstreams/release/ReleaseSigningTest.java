package io.visionstreams.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.visionstreams.schema.ModelRelease;
import io.visionstreams.schema.VisionSerdes;

class ReleaseSigningTest {

    private static final KeyPair PUBLISHER = ReleaseKeys.generate();
    private static final KeyPair ATTACKER = ReleaseKeys.generate();
    private static final TrustedKeys TRUSTED = TrustedKeys.of(PUBLISHER.getPublic());

    private static ModelRelease signed() {
        return ReleaseSigning.sign(ReleaseFixtures.unsigned("detector-student", "3"), PUBLISHER.getPrivate(), PUBLISHER.getPublic());
    }

    @Test
    void signedReleaseVerifiesAlsoAfterTheWire() throws Exception {
        ModelRelease r = signed();
        assertEquals(ReleaseKeys.keyId(PUBLISHER.getPublic()), r.getKeyId());
        assertEquals(64, r.getSignature().remaining(), "Ed25519 signatures are 64 bytes");
        ReleaseSigning.verify(SignedRelease.of(r), TRUSTED);
        // decoded maps are HashMaps in another order than the publisher's LinkedHashMap: canonical bytes sort them
        byte[] wire = VisionSerdes.modelRelease().encode(r);
        SignedRelease received = SignedRelease.decode(wire);
        ReleaseSigning.verify(received, TRUSTED);
        ModelRelease decoded = received.release();
        assertArrayEquals(ReleaseSigning.canonicalBytes(r), ReleaseSigning.canonicalBytes(decoded));
        assertArrayEquals(ReleaseSigning.canonicalBytes(r), ReleaseSigning.signedBytes(wire),
                "publisher and verifier agree on the signed bytes");
        // verifying twice must not consume anything
        ReleaseSigning.verify(received, TRUSTED);
    }

    @Test
    void mapOrderDoesNotChangeTheSignedBytes() throws Exception {
        ModelRelease r = signed();
        java.util.Map<String, String> tags = r.getArtifacts().get(1).getTags();
        java.util.List<String> keys = new java.util.ArrayList<>(tags.keySet());
        for (int rotation = 0; rotation < keys.size(); rotation++) {
            java.util.Collections.rotate(keys, 1);
            for (boolean reversed : new boolean[] {false, true}) {
                java.util.List<String> order = new java.util.ArrayList<>(keys);
                if (reversed) {
                    java.util.Collections.reverse(order);
                }
                java.util.Map<String, String> reordered = new java.util.LinkedHashMap<>();
                order.forEach(k -> reordered.put(k, tags.get(k)));
                r.getArtifacts().get(1).setTags(reordered);
                ReleaseSigning.verify(SignedRelease.of(r), TRUSTED);
            }
        }
    }

    @Test
    void canonicalBytesIgnoreTheSignatureOnly() {
        ModelRelease r = signed();
        ModelRelease other = ModelRelease.newBuilder(r).setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
        assertArrayEquals(ReleaseSigning.canonicalBytes(r), ReleaseSigning.canonicalBytes(other));
        ModelRelease pinned = ModelRelease.newBuilder(r).setPinned(true).build();
        assertNotEquals(java.util.Arrays.toString(ReleaseSigning.canonicalBytes(r)),
                java.util.Arrays.toString(ReleaseSigning.canonicalBytes(pinned)));
    }

    @Test
    void everyTamperedFieldBreaksTheSignature() {
        List<Consumer<ModelRelease>> tampers = List.of(
                r -> r.setVersion("4"),
                r -> r.setModelName("detector-teacher"),
                r -> r.setPinned(true),
                r -> r.setPublishedAt(r.getPublishedAt().plusMillis(1)),
                r -> r.getArtifacts().get(0).setSha256("ef".repeat(32)),
                r -> r.getArtifacts().get(0).setSizeBytes(11),
                r -> r.getArtifacts().get(0).setUri("detector-student/3/other.onnx"),
                r -> r.getArtifacts().get(1).getTags().put("gpu", "NVIDIA A100"),
                r -> r.getArtifacts().remove(1));
        for (int i = 0; i < tampers.size(); i++) {
            ModelRelease r = ModelRelease.newBuilder(signed()).build();
            tampers.get(i).accept(r);
            ReleaseRejectedException e = assertThrows(ReleaseRejectedException.class,
                    () -> ReleaseSigning.verify(SignedRelease.of(r), TRUSTED),
                    "tamper #" + i);
            assertEquals(RejectReason.BAD_SIGNATURE, e.reason(), "tamper #" + i);
        }
    }

    @Test
    void unknownKeyIsUntrusted() {
        ModelRelease r = ReleaseSigning.sign(ReleaseFixtures.unsigned("m", "1"), ATTACKER.getPrivate(), ATTACKER.getPublic());
        ReleaseRejectedException e = assertThrows(ReleaseRejectedException.class,
                () -> ReleaseSigning.verify(SignedRelease.of(r), TRUSTED));
        assertEquals(RejectReason.UNTRUSTED_KEY, e.reason());
        assertTrue(e.getMessage().contains(ReleaseKeys.keyId(ATTACKER.getPublic())), e.getMessage());
    }

    @Test
    void untrustedKeyClaimingATrustedKeyIdIsABadSignature() {
        ModelRelease forged = ReleaseSigning.sign(ReleaseFixtures.unsigned("m", "1"), ATTACKER.getPrivate(), ATTACKER.getPublic());
        forged.setKeyId(ReleaseKeys.keyId(PUBLISHER.getPublic()));
        // re-sign with the claimed id in place, as a forger would
        byte[] payload = ReleaseSigning.canonicalBytes(forged);
        forged.setSignature(ByteBuffer.wrap(assertDoesNotThrow(() -> {
            java.security.Signature s = java.security.Signature.getInstance("Ed25519");
            s.initSign(ATTACKER.getPrivate());
            s.update(payload);
            return s.sign();
        })));
        ReleaseRejectedException e = assertThrows(ReleaseRejectedException.class,
                () -> ReleaseSigning.verify(SignedRelease.of(forged), TRUSTED));
        assertEquals(RejectReason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void missingOrGarbageSignatureIsBad() {
        ModelRelease r = signed();
        r.setSignature(ByteBuffer.allocate(0));
        assertEquals(RejectReason.BAD_SIGNATURE, assertThrows(ReleaseRejectedException.class,
                () -> ReleaseSigning.verify(SignedRelease.of(r), TRUSTED)).reason());
        r.setSignature(ByteBuffer.wrap(new byte[7]));
        assertEquals(RejectReason.BAD_SIGNATURE, assertThrows(ReleaseRejectedException.class,
                () -> ReleaseSigning.verify(SignedRelease.of(r), TRUSTED)).reason());
    }

    @Test
    void signingWithAMismatchedKeyPairFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReleaseSigning.sign(
                ReleaseFixtures.unsigned("m", "1"), ATTACKER.getPrivate(), PUBLISHER.getPublic()));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void keysRoundTripThroughPemAndThePrivateKeyIsOwnerOnly(@TempDir Path dir) throws Exception {
        KeyPair kp = ReleaseKeys.generate();
        Path priv = dir.resolve("release-signing.key");
        Path pub = dir.resolve("keys/release-signing.pub");
        ReleaseKeys.writePrivate(kp.getPrivate(), priv);
        ReleaseKeys.writePublic(kp.getPublic(), pub);
        assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(priv));
        assertTrue(Files.readString(priv).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        ModelRelease r = ReleaseSigning.sign(ReleaseFixtures.unsigned("m", "1"), ReleaseKeys.readPrivate(priv),
                ReleaseKeys.readPublic(pub));
        ReleaseSigning.verify(SignedRelease.of(r), TrustedKeys.load(List.of(dir.resolve("keys"))));
        assertTrue(ReleaseKeys.keyId(kp.getPublic()).matches("[0-9a-f]{16}"));
        assertThrows(java.io.UncheckedIOException.class, () -> ReleaseKeys.writePrivate(kp.getPrivate(), priv),
                "an existing key is never overwritten");
        IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class, () -> ReleaseKeys.readPublic(priv));
        assertTrue(wrongKind.getMessage().contains("private key"), wrongKind.getMessage());
    }

    @Test
    void trustedKeysRefuseAPrivateKeyAndAnEmptyDirectory(@TempDir Path dir) {
        KeyPair kp = ReleaseKeys.generate();
        Path empty = dir.resolve("empty");
        assertDoesNotThrow(() -> Files.createDirectories(empty));
        assertThrows(IllegalArgumentException.class, () -> TrustedKeys.load(List.of(empty)));
        ReleaseKeys.writePrivate(kp.getPrivate(), empty.resolve("oops.pem"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedKeys.load(List.of(empty)));
        assertTrue(e.getMessage().contains("private key"), e.getMessage());
    }
}
