package io.visionstreams.ingest;

import java.util.Map;
import java.util.Objects;

import io.visionstreams.schema.FrameEncoding;

/**
 * One already-encoded image as a {@link FrameSource} yields it, before the producer gives it a
 * source id, sequence number and capture time.
 *
 * @param name     where it came from (file name, "video.avi#12", "synthetic#3"), for logs and metadata
 * @param encoding how {@code data} is encoded
 * @param width    pixels, 0 if unknown
 * @param height   pixels, 0 if unknown
 * @param data     the encoded bytes (owned by the receiver; sources never reuse the array)
 * @param metadata extra key/values copied into {@code Frame.metadata}
 */
public record EncodedFrame(String name, FrameEncoding encoding, int width, int height, byte[] data,
                           Map<String, String> metadata) {

    public EncodedFrame {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(data, "data");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public EncodedFrame(String name, FrameEncoding encoding, int width, int height, byte[] data) {
        this(name, encoding, width, height, data, Map.of());
    }
}
