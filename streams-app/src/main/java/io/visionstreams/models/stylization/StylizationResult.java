package io.visionstreams.models.stylization;

import io.visionstreams.imaging.Image;

/**
 * One stylised frame with what produced it and where the time went (microseconds).
 *
 * @param image   the stylised pixels at the frame's size
 * @param encoded {@code image} in {@link StylizationOptions#format()}
 */
public record StylizationResult(Image image, byte[] encoded, StylizationOptions.OutputFormat format,
                                StyleSelection style, String modelName, String modelVersion, String runtimeName,
                                long preMicros, long queueMicros, long inferMicros, long postMicros, int batchSize) {
}
