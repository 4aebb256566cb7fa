package io.visionstreams.models.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over floats and ints in the order they are fed: a compact fingerprint of a data stream. */
final class Fingerprint {

    private final MessageDigest md;
    private final ByteBuffer buf = ByteBuffer.allocate(4);

    Fingerprint() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Fingerprint add(int v) {
        md.update(buf.clear().putInt(v).array());
        return this;
    }

    Fingerprint add(float v) {
        return add(Float.floatToIntBits(v));
    }

    Fingerprint add(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length);
        for (float f : v) {
            b.putInt(Float.floatToIntBits(f));
        }
        md.update(b.array());
        return this;
    }

    Fingerprint add(String s) {
        md.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return add(0);
    }

    /** The first 16 hex digits of the digest. */
    String hex() {
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }
}
