package io.visionstreams.imaging;

/** One detection: class, confidence and corners (x1,y1) top-left, (x2,y2) bottom-right, in pixels. */
public record ScoredBox(int classId, float score, float x1, float y1, float x2, float y2) {
}
