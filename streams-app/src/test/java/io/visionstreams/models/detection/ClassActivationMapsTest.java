package io.visionstreams.models.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.ImageLimits;
import io.visionstreams.imaging.LetterboxGeometry;
import io.visionstreams.schema.FrameEncoding;

class ClassActivationMapsTest {

    private static float[] map(int w, int h) {
        return new float[w * h];
    }

    private static void fill(float[] m, int w, int x1, int y1, int x2, int y2, float v) {
        for (int y = y1; y <= y2; y++) {
            for (int x = x1; x <= x2; x++) {
                m[y * w + x] = v;
            }
        }
    }

    @Test
    void boxIsTheLargestComponentAboveTwentyPercentOfTheMax() {
        int w = 20, h = 10;
        float[] m = map(w, h);
        fill(m, w, 1, 1, 2, 2, 10f);   // the peak, but only 4 pixels
        fill(m, w, 8, 3, 15, 7, 3f);   // 40 pixels at 30% of the max: above threshold, largest
        fill(m, w, 17, 0, 19, 9, 1.9f); // 30 pixels at 19%: below threshold, ignored
        assertArrayEquals(new float[] {8, 3, 16, 8}, ClassActivationMaps.weakBox(m, w, h, 0.2f));
    }

    @Test
    void diagonalNeighboursAreConnected() {
        int w = 8, h = 8;
        float[] m = map(w, h);
        for (int i = 0; i < 5; i++) {
            m[i * w + i] = 1f; // a diagonal line: one component only under 8-connectivity
        }
        fill(m, w, 6, 0, 7, 1, 1f); // 4 pixels, smaller than the 5-pixel diagonal
        assertArrayEquals(new float[] {0, 0, 5, 5}, ClassActivationMaps.weakBox(m, w, h, 0.2f));
    }

    @Test
    void thresholdIsInclusiveAndNegativesNeverCount() {
        int w = 4, h = 1;
        float[] m = {-5f, 2f, 10f, -1f};
        assertArrayEquals(new float[] {1, 0, 3, 1}, ClassActivationMaps.weakBox(m, w, h, 0.2f));
        assertNull(ClassActivationMaps.weakBox(new float[] {-1f, 0f, -2f, 0f}, w, h, 0.2f), "no positive activation");
        assertThrows(IllegalArgumentException.class, () -> ClassActivationMaps.weakBox(m, 3, 1, 0.2f));
    }

    @Test
    void grayScalesToTheMaximumAndClampsNegatives() {
        byte[] g = ClassActivationMaps.toGray(new float[] {-3f, 0f, 2f, 4f});
        assertArrayEquals(new byte[] {0, 0, (byte) 128, (byte) 255}, g);
        assertArrayEquals(new byte[3], ClassActivationMaps.toGray(new float[] {-1f, -2f, 0f}));
    }

    @Test
    void heatmapPngDecodesToTheSameGrayValues() throws Exception {
        float[] m = {0f, 1f, 2f, 4f, 3f, 0f};
        byte[] png = ClassActivationMaps.heatmapPng(m, 3, 2);
        Image back = ImageCodec.decodeGray(FrameEncoding.PNG, png, 3, 2, ImageLimits.defaults());
        assertArrayEquals(ClassActivationMaps.toGray(m), back.pixels());
    }

    /**
     * A 4x4 CAM at stride 8 over a 32x32 input; a 64x32 frame letterboxes to 32x16 with padY 8. The hot
     * cell (u=2, v=1) covers network x 16..24, y 8..16, i.e. frame x 32..48, y 0..16: the frame map must
     * peak there and the weak box must sit around it, not shifted by the padding.
     */
    @Test
    void mapIsAlignedToTheFrameThroughTheLetterbox() {
        int camW = 4, camH = 4, stride = 8;
        float[] cams = new float[2 * camW * camH];
        cams[camW * camH + 1 * camW + 2] = 1f; // class 1, cell (u=2, v=1)
        LetterboxGeometry g = LetterboxGeometry.compute(64, 32, 32, 32);
        assertEquals(8f, g.padY());
        float[] frame = ClassActivationMaps.toFrame(cams, 1, camH, camW, stride, g);
        assertEquals(64 * 32, frame.length);
        int best = 0;
        for (int i = 1; i < frame.length; i++) {
            best = frame[i] > frame[best] ? i : best;
        }
        int bx = best % 64, by = best / 64;
        assertEquals(40, bx, 1, "peak at the cell centre x: network 20 → frame 40");
        assertEquals(8, by, 1, "peak at the cell centre y: network 12 → frame (12-8)*2 = 8");
        float[] box = ClassActivationMaps.weakBox(frame, 64, 32, 0.2f);
        // bilinear tent 1-|u-2| ≥ 0.2 ⇔ u ∈ [1.2, 2.8] ⇔ network x ∈ [13.6, 26.4] ⇔ frame x ∈ [27.2, 52.8];
        // in y, v ∈ [0.2, 1.8] ⇔ frame y ∈ [-4.8, 20.8], clipped by the frame's top edge
        assertArrayEquals(new float[] {27, 0, 53, 21}, box, 1f, "weak box in frame pixels");
        // class 0 is all zero: nothing to localise
        assertNull(ClassActivationMaps.weakBox(ClassActivationMaps.toFrame(cams, 0, camH, camW, stride, g), 64, 32, 0.2f));
        assertThrows(IllegalArgumentException.class, () -> ClassActivationMaps.toFrame(cams, 2, camH, camW, stride, g));
    }

    /**
     * The run-based labelling against a plain 8-connected pixel flood fill (written here as the reference),
     * on random maps with few distinct values, so there are many components, touching diagonals and ties.
     */
    @Test
    void weakBoxMatchesAPixelFloodFillOnRandomMaps() {
        java.util.Random rnd = new java.util.Random(5);
        for (int trial = 0; trial < 300; trial++) {
            int w = 1 + rnd.nextInt(23);
            int h = 1 + rnd.nextInt(17);
            float[] m = new float[w * h];
            double density = rnd.nextDouble();
            for (int i = 0; i < m.length; i++) {
                m[i] = rnd.nextDouble() < density ? 1 + rnd.nextInt(4) : rnd.nextInt(2) - 0.5f;
            }
            float fraction = new float[] {0.2f, 0.5f, 0.9f}[rnd.nextInt(3)];
            assertArrayEquals(floodFillBox(m, w, h, fraction), ClassActivationMaps.weakBox(m, w, h, fraction),
                    "trial " + trial + " " + w + "x" + h);
        }
    }

    private static float[] floodFillBox(float[] map, int width, int height, float fraction) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            max = Math.max(max, v);
        }
        if (!(max > 0)) {
            return null;
        }
        float thr = fraction * max;
        boolean[] seen = new boolean[map.length];
        int bestSize = 0;
        int[] best = null;
        for (int start = 0; start < map.length; start++) {
            if (seen[start] || map[start] < thr) {
                continue;
            }
            java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(java.util.List.of(start));
            seen[start] = true;
            int size = 0, minX = width, minY = height, maxX = -1, maxY = -1;
            while (!todo.isEmpty()) {
                int p = todo.pop();
                int px = p % width, py = p / width;
                size++;
                minX = Math.min(minX, px);
                maxX = Math.max(maxX, px);
                minY = Math.min(minY, py);
                maxY = Math.max(maxY, py);
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = px + dx, ny = py + dy;
                        if (nx >= 0 && nx < width && ny >= 0 && ny < height && !seen[ny * width + nx]
                                && map[ny * width + nx] >= thr) {
                            seen[ny * width + nx] = true;
                            todo.push(ny * width + nx);
                        }
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                best = new int[] {minX, minY, maxX, maxY};
            }
        }
        return new float[] {best[0], best[1], best[2] + 1, best[3] + 1};
    }
}
