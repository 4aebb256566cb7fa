package io.visionstreams.models.matching;

/**
 * A detected point in original pixel coordinates (pixel-centre convention, as OpenCV): size is the
 * diameter of the region it describes, angle in degrees in image coordinates (x right, y down) or
 * negative when the detector gives none.
 */
public record Keypoint(float x, float y, float size, float angle, float response) {

    public boolean hasAngle() {
        return angle >= 0;
    }

    public Keypoint withAngle(float a) {
        return new Keypoint(x, y, size, a, response);
    }
}
