package io.visionstreams.release;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where release artifacts live. Artifacts are immutable: a (model, version, file name) is written once;
 * writing different bytes under the same name fails, writing the same bytes again is a no-op.
 *
 * <p>{@link #put} returns the URI to record in the release: relative to the store ({@code model/version/file}),
 * so the same release resolves wherever an instance mounts or reaches the store. {@link #open} accepts such
 * URIs (and absolute ones inside the store) and refuses any that would leave the store. Nothing read from a
 * store is trusted: {@link ReleaseFetcher} checks size and SHA-256 of every byte.
 */
public interface ArtifactStore extends AutoCloseable {

    /** Stores {@code source} as {@code model/version/fileName}; returns its URI. */
    URI put(String model, String version, String fileName, Path source) throws IOException;

    /**
     * Opens an artifact for reading.
     *
     * @throws java.nio.file.NoSuchFileException when the store has no such artifact
     * @throws IOException                       when the URI is not inside the store, or reading fails
     */
    InputStream open(URI uri) throws IOException;

    @Override
    default void close() {
    }

    /**
     * The store for a base URI: {@code file:/dir} (or a plain path) is a {@link DirectoryArtifactStore};
     * {@code s3://bucket/prefix} an S3-compatible store (options: region, endpoint, credentials).
     *
     * @throws IllegalArgumentException for an unknown scheme or missing options
     */
    static ArtifactStore forUri(URI base, Map<String, String> options) {
        String scheme = base.getScheme();
        if (scheme == null || scheme.equals("file")) {
            if (base.isOpaque() || base.getPath() == null || base.getPath().isEmpty()) {
                throw new IllegalArgumentException("directory store URI '" + base + "' needs a path, e.g. file:/srv/releases");
            }
            return new DirectoryArtifactStore(scheme == null ? Path.of(base.getPath()) : Path.of(base));
        }
        if (scheme.equals("s3")) {
            return new S3ArtifactStore(base, options);
        }
        throw new IllegalArgumentException("unsupported artifact store '" + base + "': use file:/dir or s3://bucket/prefix");
    }

    /**
     * Checks one path segment of an artifact location (model, version, file name): no separators, no
     * {@code .} or {@code ..}, no control characters, so no store can be made to write or read outside itself.
     */
    static String checkSegment(String what, String s) {
        if (s == null || s.isEmpty() || s.equals(".") || s.equals("..") || s.length() > 255) {
            throw new IllegalArgumentException(what + " '" + s + "' is not a valid artifact path segment");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f || c == ':') {
                throw new IllegalArgumentException(what + " '" + s + "' must not contain '/', '\\', ':' or control characters");
            }
        }
        return s;
    }

    /** The relative URI {@code model/version/fileName}, each segment checked and percent-encoded. */
    static URI relativeUri(String model, String version, String fileName) {
        checkSegment("model", model);
        checkSegment("version", version);
        checkSegment("file name", fileName);
        try {
            return new URI(null, null, model + "/" + version + "/" + fileName, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The (model, version, file name) segments of a relative artifact URI, each checked.
     *
     * @throws IOException when it is absolute, has a query or fragment, or is not exactly three clean segments
     */
    static String[] segments(URI uri) throws IOException {
        if (uri.isAbsolute() || uri.getRawAuthority() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getPath() == null) {
            throw new IOException("artifact URI '" + uri + "' must be relative: model/version/file");
        }
        String[] parts = uri.getPath().split("/", -1);
        if (parts.length != 3) {
            throw new IOException("artifact URI '" + uri + "' must be model/version/file");
        }
        try {
            for (String p : parts) {
                checkSegment("artifact URI segment", p);
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("artifact URI '" + uri + "' escapes the store or is malformed: " + e.getMessage(), e);
        }
        return parts;
    }
}
