package io.visionstreams.models.detection;

import io.visionstreams.imaging.GrayPng;
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

    /** The heatmap as a grayscale PNG (compact: one channel, smooth content; see {@link GrayPng} for why not libpng). */
    public static byte[] heatmapPng(float[] map, int width, int height) {
        return GrayPng.encode(toGray(map), width, height);
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
        // Connected components over horizontal runs instead of pixels: one pass finds the runs of each
        // row and unites them with the 8-adjacent runs of the row above, so the work is one comparison
        // per pixel plus a little per run (a pixel flood fill costs ~10x more on a 640x480 frame).
        Runs runs = new Runs();
        int prevFirst = 0;
        int prevEnd = 0;
        for (int y = 0; y < height; y++) {
            int row = y * width;
            int first = runs.n;
            int x = 0;
            while (x < width) {
                if (map[row + x] < thr) {
                    x++;
                    continue;
                }
                int s = x;
                while (x < width && map[row + x] >= thr) {
                    x++;
                }
                int r = runs.add(s, x, y);
                // a run above touches [s, x) 8-connectedly when it covers any column in [s-1, x]
                for (int k = prevFirst; k < prevEnd; k++) {
                    if (runs.start[k] <= x && runs.end[k] >= s) {
                        runs.union(k, r);
                    }
                }
            }
            prevFirst = first;
            prevEnd = runs.n;
        }
        // per component: pixel count, bounding box, and its first run (runs are numbered in row-major order)
        int n = runs.n;
        long[] size = new long[n];
        int[] minX = new int[n];
        int[] maxX = new int[n];
        int[] minY = new int[n];
        int[] maxY = new int[n];
        int[] firstRun = new int[n];
        java.util.Arrays.fill(firstRun, -1);
        for (int k = 0; k < n; k++) {
            int root = runs.find(k);
            if (firstRun[root] < 0) {
                firstRun[root] = k;
                minX[root] = runs.start[k];
                maxX[root] = runs.end[k];
                minY[root] = runs.row[k];
            }
            size[root] += runs.end[k] - runs.start[k];
            minX[root] = Math.min(minX[root], runs.start[k]);
            maxX[root] = Math.max(maxX[root], runs.end[k]);
            maxY[root] = runs.row[k]; // runs come row by row
        }
        int best = -1;
        for (int k = 0; k < n; k++) {
            if (firstRun[k] < 0) {
                continue; // not a root
            }
            // ties go to the component found first in row-major order, i.e. the one with the earlier first run
            if (best < 0 || size[k] > size[best] || (size[k] == size[best] && firstRun[k] < firstRun[best])) {
                best = k;
            }
        }
        return new float[] {minX[best], minY[best], maxX[best], maxY[best] + 1};
    }

    /** Horizontal runs [start, end) of a row, with a union-find over them. */
    private static final class Runs {
        int n;
        int[] start = new int[64];
        int[] end = new int[64];
        int[] row = new int[64];
        int[] parent = new int[64];

        int add(int s, int e, int y) {
            if (n == start.length) {
                int cap = 2 * n;
                start = java.util.Arrays.copyOf(start, cap);
                end = java.util.Arrays.copyOf(end, cap);
                row = java.util.Arrays.copyOf(row, cap);
                parent = java.util.Arrays.copyOf(parent, cap);
            }
            start[n] = s;
            end[n] = e;
            row[n] = y;
            parent[n] = n;
            return n++;
        }

        int find(int k) {
            while (parent[k] != k) {
                parent[k] = parent[parent[k]]; // path halving
                k = parent[k];
            }
            return k;
        }

        void union(int a, int b) {
            int ra = find(a);
            int rb = find(b);
            if (ra != rb) {
                parent[Math.max(ra, rb)] = Math.min(ra, rb);
            }
        }
    }

    private static float max(float[] map) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            max = Math.max(max, v);
        }
        return max;
    }
}
