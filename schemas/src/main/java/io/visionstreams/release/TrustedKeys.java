package io.visionstreams.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The public keys an instance accepts releases from, by key id. Trust is configuration, never data:
 * a release names its key id, but only keys loaded here can make it valid.
 */
public final class TrustedKeys {

    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = Collections.unmodifiableMap(byId);
    }

    public static TrustedKeys of(PublicKey... keys) {
        Map<String, PublicKey> m = new LinkedHashMap<>();
        for (PublicKey k : keys) {
            m.put(ReleaseKeys.keyId(k), k);
        }
        return new TrustedKeys(m);
    }

    /**
     * Loads PEM public keys from files, and from directories every {@code *.pub} and {@code *.pem} file
     * (not recursive). A private key among them is an error: it must never be deployed to instances.
     *
     * @throws IllegalArgumentException when a file is not a public key, or nothing was found
     * @throws UncheckedIOException when a file or directory cannot be read
     */
    public static TrustedKeys load(List<Path> pemFilesOrDirs) {
        Map<String, PublicKey> m = new LinkedHashMap<>();
        for (Path p : pemFilesOrDirs) {
            for (Path f : files(p)) {
                PublicKey k = ReleaseKeys.readPublic(f);
                m.put(ReleaseKeys.keyId(k), k);
            }
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException("no trusted release keys found in " + pemFilesOrDirs
                    + " (expected PEM public keys, *.pub or *.pem)");
        }
        return new TrustedKeys(m);
    }

    private static List<Path> files(Path p) {
        if (!Files.isDirectory(p)) {
            if (!Files.isRegularFile(p)) {
                throw new UncheckedIOException(new IOException("trusted key file " + p + " does not exist"));
            }
            return List.of(p);
        }
        try (Stream<Path> s = Files.list(p)) {
            List<Path> out = new ArrayList<>();
            s.filter(f -> {
                String n = f.getFileName().toString();
                return Files.isRegularFile(f) && (n.endsWith(".pub") || n.endsWith(".pem"));
            }).sorted().forEach(out::add);
            for (Path f : out) {
                if (Files.readString(f, StandardCharsets.US_ASCII).contains("PRIVATE KEY-----")) {
                    throw new IllegalArgumentException(f + " holds a private key; instances must only get public keys");
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trusted keys directory " + p + ": " + e.getMessage(), e);
        }
    }

    public Optional<PublicKey> find(String keyId) {
        return keyId == null ? Optional.empty() : Optional.ofNullable(byId.get(keyId));
    }

    public Set<String> keyIds() {
        return byId.keySet();
    }

    @Override
    public String toString() {
        return "TrustedKeys" + byId.keySet();
    }
}
