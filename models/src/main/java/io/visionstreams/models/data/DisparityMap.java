package io.visionstreams.models.data;

/**
 * A dense disparity map in pixels, row-major with the top row first. Pixels without ground truth are
 * non-finite (NaN from KITTI's 0, or the infinities Middlebury stores in PFM files).
 */
public record DisparityMap(int width, int height, float[] values) {

    public DisparityMap {
        if (values.length != width * height) {
            throw new IllegalArgumentException("disparity size mismatch");
        }
    }

    public float get(int x, int y) {
        return values[y * width + x];
    }

    public boolean valid(int x, int y) {
        return Float.isFinite(values[y * width + x]);
    }
}
