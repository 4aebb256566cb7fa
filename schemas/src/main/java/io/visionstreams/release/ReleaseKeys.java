package io.visionstreams.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 release-signing keys as PEM files: the private key as PKCS#8 ("PRIVATE KEY", file mode 600),
 * the public key as X.509 SubjectPublicKeyInfo ("PUBLIC KEY"), the same encodings openssl uses, so
 * {@code openssl pkey -in release-signing.key -pubout} gives the same public key.
 * A key's id is the first 16 hex digits of the SHA-256 of its X.509 encoding.
 */
public final class ReleaseKeys {

    public static final String ALGORITHM = "Ed25519";
    static final String PRIVATE_LABEL = "PRIVATE KEY";
    static final String PUBLIC_LABEL = "PUBLIC KEY";

    private ReleaseKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519 (needs Java 15+)", e);
        }
    }

    /** Writes a new private key file readable by its owner only; refuses to overwrite an existing key. */
    public static void writePrivate(PrivateKey k, Path pem) {
        byte[] text = pem(PRIVATE_LABEL, k.getEncoded());
        try {
            if (Files.exists(pem)) {
                throw new FileAlreadyExistsException(pem.toString(), null, "refusing to overwrite a private key");
            }
            Path parent = pem.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp;
            try {
                // created 600 from the start, so the key is never readable by others, not even briefly
                tmp = Files.createTempFile(parent, ".key-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException nonPosix) {
                tmp = Files.createTempFile(parent, ".key-", ".tmp");
            }
            try {
                Files.write(tmp, text);
                Files.move(tmp, pem); // no REPLACE_EXISTING: a key written meanwhile wins, we fail
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write private key " + pem + ": " + e.getMessage(), e);
        }
    }

    public static PrivateKey readPrivate(Path pem) {
        byte[] der = readPem(pem, PRIVATE_LABEL);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + ": not an Ed25519 private key (" + e.getMessage() + ")", e);
        }
    }

    public static void writePublic(PublicKey k, Path pem) {
        try {
            Path parent = pem.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.write(pem, pem(PUBLIC_LABEL, k.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write public key " + pem + ": " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublic(Path pem) {
        byte[] der = readPem(pem, PUBLIC_LABEL);
        return publicFromX509(der, pem.toString());
    }

    static PublicKey publicFromX509(byte[] der, String where) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(where + ": not an Ed25519 public key (" + e.getMessage() + ")", e);
        }
    }

    /** First 16 hex digits of SHA-256(X.509 encoding): short enough to print, long enough not to collide by chance. */
    public static String keyId(PublicKey k) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(k.getEncoded());
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] readPem(Path pem, String label) {
        String text;
        try {
            if (Files.size(pem) > 64 * 1024) {
                throw new IllegalArgumentException(pem + ": too large for a key file");
            }
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key " + pem + ": " + e.getMessage(), e);
        }
        return parsePem(text, label, pem.toString());
    }

    static byte[] parsePem(String text, String label, String where) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            String other = text.contains("PRIVATE KEY-----") ? " (it holds a private key)"
                    : text.contains("PUBLIC KEY-----") ? " (it holds a public key)" : "";
            throw new IllegalArgumentException(where + ": no '" + begin + "' block" + other);
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(where + ": bad base64 in the PEM block", ex);
        }
    }
}
