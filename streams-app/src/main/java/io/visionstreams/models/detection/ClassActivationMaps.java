package io.visionstreams.models.detection;

import io.visionstreams.imaging.Image;
import io.visionstreams.imaging.ImageCodec;
import io.visionstreams.imaging.LetterboxGeometry;

/**
 * Class activation maps as plain functions (no model, no Kafka): a class's CAM at network stride →
 * a map aligned to the original frame → an 8-bit PNG heatmap and the weakly supervised box
 * (models-detection.md §2.5: threshold at 20% of the maximum, largest connected component).
 */
public final class ClassActivationMaps {

    /** The CAM localisation threshold, as a fraction of the map's maximum. */
    public static final float BOX_THRESHOLD_FRACTION = 0.2f;

    private ClassActivationMaps() {
    }

    /**
     * Class {@code cls} of a [C, camH, camW] CAM tensor, sampled bilinearly at every original-frame pixel
     * centre. Cell (u, v) is centred at network pixel ((u+0.5)·stride, (v+0.5)·stride) (models/README.md), and a
     * frame pixel maps to the network through the same letterbox as the input, so the map is aligned with
     * the frame; outside the cell centres the edge values extend (clamped).
     *
     * @return row-major float[frameW·frameH]
     */
    public static float[] toFrame(float[] cams, int cls, int camH, int camW, int stride, LetterboxGeometry g) {
        int plane = camH * camW;
        if (cls < 0 || (long) (cls + 1) * plane > cams.length) {
            throw new IllegalArgumentException("class " + cls + " is not in a CAM tensor of " + cams.length
                    + " values with " + camH + "x" + camW + " maps");
        }
        int w = g.srcWidth();
        int h = g.srcHeight();
        int off = cls * plane;
        // the per-column and per-row interpolation weights are separable: compute them once
        int[] x0 = new int[w];
        float[] fx = new float[w];
        for (int x = 0; x < w; x++) {
            float u = ((x + 0.5f) * g.scale() + g.padX()) / stride - 0.5f;
            u = Math.max(0, Math.min(camW - 1, u));
            x0[x] = Math.min((int) u, camW - 1);
            fx[x] = u - x0[x];
        }
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            float v = ((y + 0.5f) * g.scale() + g.padY()) / stride - 0.5f;
            v = Math.max(0, Math.min(camH - 1, v));
            int y0 = Math.min((int) v, camH - 1);
            int y1 = Math.min(y0 + 1, camH - 1);
            float fy = v - y0;
            int r0 = off + y0 * camW;
            int r1 = off + y1 * camW;
            for (int x = 0; x < w; x++) {
                int a = x0[x];
                int b = Math.min(a + 1, camW - 1);
                float top = cams[r0 + a] + (cams[r0 + b] - cams[r0 + a]) * fx[x];
                float bottom = cams[r1 + a] + (cams[r1 + b] - cams[r1 + a]) * fx[x];
                out[y * w + x] = top + (bottom - top) * fy;
            }
        }
        return out;
    }

    /** 8-bit gray heatmap: 0..255 scaled to the map's maximum; values at or below zero are 0. */
    public static byte[] toGray(float[] map) {
        float max = max(map);
        byte[] px = new byte[map.length];
        if (max <= 0) {
            return px; // nothing activates: an all-black map, not a division by zero
        }
        float k = 255f / max;
        for (int i = 0; i < map.length; i++) {
            px[i] = (byte) Math.round(Math.max(0f, map[i]) * k);
        }
        return px;
    }

    /** The heatmap as a grayscale PNG (compact: one channel, smooth content). */
    public static byte[] heatmapPng(float[] map, int width, int height) {
        return ImageCodec.encodePng(new Image(width, height, 1, toGray(map)));
    }

    /**
     * The weakly supervised box: pixels with value ≥ {@code fraction}·max, the largest 8-connected
     * component among them, its bounding box as {x1, y1, x2, y2} in continuous pixel coordinates
     * (a component covering columns 3..5 gives x1 = 3, x2 = 6). Null when the map has no positive value.
     * Ties between equally large components go to the one found first in row-major order.
     */
    public static float[] weakBox(float[] map, int width, int height, float fraction) {
        if (map.length != width * height) {
            throw new IllegalArgumentException("map has " + map.length + " values, expected " + width + "x" + height);
        }
        float max = max(map);
        if (!(max > 0)) {
            return null;
        }
        float thr = fraction * max;
        boolean[] seen = new boolean[map.length];
        int[] stack = new int[map.length]; // each pixel is pushed at most once: no boxing, no growth
        int bestSize = 0;
        int[] best = null;
        for (int start = 0; start < map.length; start++) {
            if (seen[start] || map[start] < thr) {
                continue;
            }
            int size = 0;
            int minX = width, minY = height, maxX = -1, maxY = -1;
            seen[start] = true;
            int top = 0;
            stack[top++] = start;
            while (top > 0) {
                int p = stack[--top];
                int px = p % width;
                int py = p / width;
                size++;
                minX = Math.min(minX, px);
                maxX = Math.max(maxX, px);
                minY = Math.min(minY, py);
                maxY = Math.max(maxY, py);
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = py + dy;
                    if (ny < 0 || ny >= height) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = px + dx;
                        if (nx < 0 || nx >= width) {
                            continue;
                        }
                        int q = ny * width + nx;
                        if (!seen[q] && map[q] >= thr) {
                            seen[q] = true;
                            stack[top++] = q;
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

    private static float max(float[] map) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            max = Math.max(max, v);
        }
        return max;
    }
}
