package io.visionstreams.eval;

/** An axis-aligned box x1,y1,x2,y2 (continuous pixel coordinates, see models/README.md) with a class index. */
public record GtBox(float x1, float y1, float x2, float y2, int cls) {

    public float area() {
        return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    }

    public static double iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2) {
        double iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
        double ih = Math.min(ay2, by2) - Math.max(ay1, by1);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double union = (double) (ax2 - ax1) * (ay2 - ay1) + (double) (bx2 - bx1) * (by2 - by1) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    public double iou(GtBox o) {
        return iou(x1, y1, x2, y2, o.x1, o.y1, o.x2, o.y2);
    }
}
