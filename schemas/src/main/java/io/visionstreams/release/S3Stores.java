package io.visionstreams.release;

import java.net.URI;
import java.util.Map;

/** Creates the S3-compatible store; kept apart so the directory store has no HTTP code in its path. */
final class S3Stores {

    private S3Stores() {
    }

    static ArtifactStore create(URI base, Map<String, String> options) {
        throw new IllegalArgumentException("s3:// artifact stores are not available in this build yet; use file:/dir");
    }
}
