package io.visionstreams.models.stereo;

import java.util.Random;

/** Synthetic rectified pairs with exact disparity for tests: a background plane and a fronto-parallel box. */
final class StereoTestPairs {

    /** Gray views and the left view's truth; occluded marks left pixels not visible in the right view. */
    record Pair(int width, int height, byte[] left, byte[] right, float[] truth, boolean[] occluded) {
    }

    private StereoTestPairs() {
    }

    /**
     * A smooth random texture (noise box-blurred once, so neighbouring pixels correlate like a natural
     * image) per layer, indexed by right-image coordinates. Background at disparity bg everywhere; a box
     * [bx0, bx1) × [by0, by1) in the left view at disparity fg > bg in front of it. Left pixels of the
     * background just left of the box are hidden in the right view (a strip fg − bg wide).
     */
    static Pair boxOnPlane(int w, int h, int bg, int fg, int bx0, int bx1, int by0, int by1, long seed) {
        Random rnd = new Random(seed);
        int tw = w + fg + 4;
        float[] bgTex = texture(tw, h, rnd), fgTex = texture(tw, h, rnd);
        byte[] left = new byte[w * h], right = new byte[w * h];
        float[] truth = new float[w * h];
        boolean[] occ = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            boolean boxRow = y >= by0 && y < by1;
            for (int xr = 0; xr < w; xr++) {
                boolean fgHere = boxRow && xr + fg >= bx0 && xr + fg < bx1;
                right[y * w + xr] = q(fgHere ? fgTex[y * tw + xr + fg] : bgTex[y * tw + xr + fg]);
            }
            for (int x = 0; x < w; x++) {
                boolean inBox = boxRow && x >= bx0 && x < bx1;
                int d = inBox ? fg : bg;
                left[y * w + x] = q(inBox ? fgTex[y * tw + x - d + fg] : bgTex[y * tw + x - d + fg]);
                truth[y * w + x] = d;
                int xr = x - d;
                boolean coveredByBox = !inBox && boxRow && xr + fg >= bx0 && xr + fg < bx1;
                occ[y * w + x] = xr < 0 || coveredByBox;
            }
        }
        return new Pair(w, h, left, right, truth, occ);
    }

    private static float[] texture(int w, int h, Random rnd) {
        float[] n = new float[w * h];
        for (int i = 0; i < n.length; i++) {
            n[i] = rnd.nextFloat() * 255;
        }
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                int k = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = Math.min(h - 1, Math.max(0, y + dy)), xx = Math.min(w - 1, Math.max(0, x + dx));
                        s += n[yy * w + xx];
                        k++;
                    }
                }
                out[y * w + x] = s / k;
            }
        }
        return out;
    }

    private static byte q(float v) {
        return (byte) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Absolute-difference cost over a 3×3 window, scaled to about [0, 1]: a cheap stand-in for the CNN cost. */
    static CostVolume sadCost(Pair p, int nd) {
        int w = p.width(), h = p.height();
        CostVolume v = CostVolume.allocate(w, h, nd);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int d = 0; d < nd; d++) {
                    float c;
                    if (x - d < 0) {
                        c = CostVolume.OUTSIDE;
                    } else {
                        float s = 0;
                        int k = 0;
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int yy = Math.min(h - 1, Math.max(0, y + dy));
                                int xl = Math.min(w - 1, Math.max(0, x + dx)), xr = Math.min(w - 1, Math.max(0, x - d + dx));
                                s += Math.abs((p.left()[yy * w + xl] & 0xFF) - (p.right()[yy * w + xr] & 0xFF));
                                k++;
                            }
                        }
                        c = s / k / 64f;
                    }
                    v.set(x, y, d, c);
                }
            }
        }
        return v;
    }
}
