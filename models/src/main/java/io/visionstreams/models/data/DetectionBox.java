package io.visionstreams.models.data;

/**
 * An axis-aligned box in pixels, (x1, y1) the top-left corner and (x2, y2) the bottom-right corner as
 * pixel edges: a box covering pixel columns 3..7 has x1 = 3, x2 = 8. classId is contiguous from 0.
 */
public record DetectionBox(int classId, double x1, double y1, double x2, double y2) {

    public double width() {
        return x2 - x1;
    }

    public double height() {
        return y2 - y1;
    }
}
