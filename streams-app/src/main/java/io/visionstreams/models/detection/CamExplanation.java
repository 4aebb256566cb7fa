package io.visionstreams.models.detection;

/**
 * The explanation of one detected class in one frame: its class activation map as an 8-bit grayscale
 * PNG aligned to the original frame, and the weakly supervised box derived from it ({x1,y1,x2,y2} in
 * original pixels, null when the map has no positive activation).
 */
public record CamExplanation(int classId, byte[] png, float[] box) {
}
