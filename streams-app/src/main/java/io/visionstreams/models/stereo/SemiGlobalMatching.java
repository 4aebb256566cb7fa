package io.visionstreams.models.stereo;

/**
 * Semi-global matching (Hirschmüller 2008) on a 16-bit cost volume: for each path direction r,
 * <pre>
 *   L_r(p, d) = C(p, d) + min(L_r(p−r, d), L_r(p−r, d±1) + P1, min_k L_r(p−r, k) + P2') − min_k L_r(p−r, k)
 * </pre>
 * summed over 4 paths (left, right, up, down) or 8 (plus the diagonals). P2' = P2 or, contrast-sensitive,
 * P2 / (1 + |I(p) − I(p−r)| / contrastScale), never below P1: disparity jumps are cheaper across image
 * edges, the SGM counterpart of the doc's λ₁ + λ₂·exp(−‖∇I‖/σ²) pairwise term (§9.4).
 *
 * <p>Two sweeps, as in OpenCV's SGBM: top→bottom carries the left→right, downward (and the two
 * downward diagonal) paths, bottom→top the other half. Each sweep reads every cost once and writes
 * its partial sum once, keeping only the previous row of each path; no path's volume is ever stored.
 * The two sweeps are independent, so with 2+ threads they run at the same time, into {@code out} and
 * a scratch volume that a final row-parallel pass adds into {@code out}.
 *
 * <p>Integer arithmetic, saturation-free by construction: costs ≤ {@link CostVolume#MAX}, penalties
 * capped at MAX, so L_r ≤ C + P2 ≤ 2·MAX and 8 paths sum to at most 32,752. The per-pixel update reads
 * the previous path values through zero-based shifted copies (d−1, d, d+1) and takes minima with a
 * branch-free bit trick: JDK 17's auto-vectoriser packs neither {@code Math.min} on ints nor loads at
 * different offsets, and this form it does (see {@code stereo-kernels}).
 *
 * <p>Scratch memory is kept between calls of the same shape; {@link #aggregate} is synchronized.
 */
public final class SemiGlobalMatching implements CostAggregator {

    /** Penalties in units of the matching cost (1 − cos for the zoo model, range [0, 2]). */
    public record Params(int paths, float p1, float p2, boolean contrastSensitive, float contrastScale) {
        public Params {
            if (paths != 4 && paths != 8) {
                throw new IllegalArgumentException("SGM paths must be 4 or 8, got " + paths);
            }
            if (!(p1 >= 0) || !(p2 >= p1)) {
                throw new IllegalArgumentException("need 0 <= P1 <= P2, got P1=" + p1 + " P2=" + p2);
            }
            if (p2 * CostVolume.SCALE > CostVolume.MAX) {
                throw new IllegalArgumentException("P2 must be <= " + (float) CostVolume.MAX / CostVolume.SCALE
                        + " cost units (16-bit sums), got " + p2);
            }
            if (contrastSensitive && !(contrastScale > 0)) {
                throw new IllegalArgumentException("contrast scale must be > 0, got " + contrastScale);
            }
        }
    }

    /** Previous-path value beyond the disparity range: large, yet BIG + P1 cannot overflow. */
    private static final int BIG = 1 << 24;

    private final Params params;
    private final int p1;
    /** P2' in integer units for each gray-level difference 0..255 along the path. */
    private final int[] p2ByGradient = new int[256];
    private CostVolume scratch;
    private Sweep down;
    private Sweep up;

    public SemiGlobalMatching(Params params) {
        this.params = params;
        this.p1 = Math.round(params.p1() * CostVolume.SCALE);
        for (int g = 0; g < 256; g++) {
            float p2 = params.contrastSensitive() ? Math.max(params.p1(), params.p2() / (1f + g / params.contrastScale()))
                    : params.p2();
            p2ByGradient[g] = Math.min(CostVolume.MAX, Math.round(p2 * CostVolume.SCALE));
        }
    }

    public Params params() {
        return params;
    }

    @Override
    public String name() {
        return "sgm-" + params.paths();
    }

    @Override
    public synchronized void aggregate(CostVolume cost, byte[] guide, CostVolume out, RowParallel parallel) {
        int w = cost.width(), h = cost.height(), nd = cost.disparities();
        if (out.width() != w || out.height() != h || out.disparities() != nd) {
            throw new IllegalArgumentException("output volume shape differs from the cost volume");
        }
        if (params.contrastSensitive() && (guide == null || guide.length != w * h)) {
            throw new IllegalArgumentException("contrast-sensitive SGM needs a " + w + "x" + h + " gray guide image");
        }
        if (scratch == null || scratch.width() != w || scratch.height() != h || scratch.disparities() != nd) {
            scratch = null;
            scratch = CostVolume.allocate(w, h, nd);
            down = new Sweep(w, nd, params.paths() / 2);
            up = new Sweep(w, nd, params.paths() / 2);
        }
        short[] c = cost.data(), s = out.data(), s2 = scratch.data();
        parallel.forBlocks(2, (from, to, b) -> {
            for (int i = from; i < to; i++) {
                if (i == 0) {
                    down.run(c, s, guide, h, +1);
                } else {
                    up.run(c, s2, guide, h, -1);
                }
            }
        });
        int plane = w * nd;
        parallel.forBlocks(h, (y0, y1, b) -> {
            for (int i = y0 * plane, e = y1 * plane; i < e; i++) {
                s[i] = (short) (s[i] + s2[i]);
            }
        });
    }

    /** Branch-free min of two ints whose difference does not overflow. */
    static int min(int a, int b) {
        int diff = a - b;
        return b + (diff & (diff >> 31));
    }

    /**
     * One SGM step for one pixel, all arrays zero-based: {@code cur[d]} from the previous path values
     * {@code prev[d]}, {@code prevLeft[d] = prev[d−1]}, {@code prevRight[d] = prev[d+1]} (BIG beyond
     * the range) and the pixel's costs; adds {@code cur} into {@code acc} (or stores it when
     * {@code first}). Returns nothing: the path minimum is taken by {@link #minOf}.
     */
    static void update(int[] cost, int[] prev, int[] prevLeft, int[] prevRight, int[] cur, int[] acc, int nd,
                       int p1, int jump, int prevMin, boolean first) {
        if (first) {
            for (int d = 0; d < nd; d++) {
                int v = min(min(prev[d], jump), min(prevLeft[d], prevRight[d]) + p1);
                int l = cost[d] + v - prevMin;
                cur[d] = l;
                acc[d] = l;
            }
        } else {
            for (int d = 0; d < nd; d++) {
                int v = min(min(prev[d], jump), min(prevLeft[d], prevRight[d]) + p1);
                int l = cost[d] + v - prevMin;
                cur[d] = l;
                acc[d] += l;
            }
        }
    }

    /** Minimum of a[0..n), four independent chains so the reduction is not one long dependency. */
    static int minOf(int[] a, int n) {
        int m0 = Integer.MAX_VALUE, m1 = m0, m2 = m0, m3 = m0;
        int d = 0;
        for (; d + 3 < n; d += 4) {
            m0 = min(m0, a[d]);
            m1 = min(m1, a[d + 1]);
            m2 = min(m2, a[d + 2]);
            m3 = min(m3, a[d + 3]);
        }
        for (; d < n; d++) {
            m0 = min(m0, a[d]);
        }
        return min(min(m0, m1), min(m2, m3));
    }

    /** One sweep's row buffers; a sweep runs on one thread. */
    private final class Sweep {
        final int w;
        final int nd;
        /** Paths in this sweep: index 0 horizontal, then vertical, then (8 paths) the two diagonals. */
        final int paths;
        final int[] dxs;
        final int[][] prevRow;
        final int[][] curRow;
        final int[][] prevRowMin;
        final int[][] curRowMin;
        final int[] hPrev;
        final int[] cost;
        final int[] prev;
        final int[] prevLeft;
        final int[] prevRight;
        final int[] cur;
        final int[] acc;

        Sweep(int w, int nd, int paths) {
            this.w = w;
            this.nd = nd;
            this.paths = paths;
            int vertical = paths - 1;
            this.dxs = vertical == 1 ? new int[] {0} : new int[] {0, -1, 1};
            prevRow = new int[vertical][w * nd];
            curRow = new int[vertical][w * nd];
            prevRowMin = new int[vertical][w];
            curRowMin = new int[vertical][w];
            hPrev = new int[nd];
            cost = new int[nd];
            prev = new int[nd];
            prevLeft = new int[nd];
            prevRight = new int[nd];
            cur = new int[nd];
            acc = new int[nd];
        }

        /**
         * dy = +1: rows top→bottom, x left→right (horizontal path from the left, vertical from above,
         * diagonals from above-left/right); dy = −1 the mirror image. Writes the sweep's partial sum to s.
         */
        void run(short[] c, short[] s, byte[] guide, int h, int dy) {
            int[][] pr = prevRow, cr = curRow, pm = prevRowMin, cm = curRowMin;
            int dx = dy; // the horizontal path runs along x in the sweep's direction
            for (int i = 0; i < h; i++) {
                int y = dy > 0 ? i : h - 1 - i;
                int row = y * w;
                int hMin = 0;
                for (int j = 0; j < w; j++) {
                    int x = dx > 0 ? j : w - 1 - j;
                    int o = (row + x) * nd;
                    for (int d = 0; d < nd; d++) {
                        cost[d] = c[o + d];
                    }
                    // horizontal path (first: stores into acc)
                    if (j == 0) {
                        System.arraycopy(cost, 0, hPrev, 0, nd);
                        System.arraycopy(cost, 0, acc, 0, nd);
                        hMin = minOf(hPrev, nd);
                    } else {
                        int jump = hMin + penalty(guide, row + x, row + x - dx);
                        step(hPrev, 0, jump, hMin, true); // stores acc: first path of the pixel
                        System.arraycopy(cur, 0, hPrev, 0, nd);
                        hMin = minOf(cur, nd);
                    }
                    // vertical and diagonal paths from the previous row
                    for (int k = 0; k < dxs.length; k++) {
                        int px = x - dxs[k] * dy;
                        int[] rowOut = cr[k];
                        if (i == 0 || px < 0 || px >= w) {
                            System.arraycopy(cost, 0, rowOut, x * nd, nd); // the path starts here
                            for (int d = 0; d < nd; d++) {
                                acc[d] += cost[d];
                            }
                            cm[k][x] = minOf(cost, nd);
                        } else {
                            int q = (y - dy) * w + px;
                            int jump = pm[k][px] + penalty(guide, row + x, q);
                            step(pr[k], px * nd, jump, pm[k][px], false);
                            System.arraycopy(cur, 0, rowOut, x * nd, nd);
                            cm[k][x] = minOf(cur, nd);
                        }
                    }
                    for (int d = 0; d < nd; d++) {
                        s[o + d] = (short) acc[d];
                    }
                }
                int[][] t = pr;
                pr = cr;
                cr = t;
                t = pm;
                pm = cm;
                cm = t;
            }
        }

        /** Copies the path's previous values at src[so..] into the zero-based shifted buffers, then updates. */
        private void step(int[] src, int so, int jump, int prevMin, boolean first) {
            System.arraycopy(src, so, prev, 0, nd);
            prevLeft[0] = BIG;
            System.arraycopy(src, so, prevLeft, 1, nd - 1);
            System.arraycopy(src, so + 1, prevRight, 0, nd - 1);
            prevRight[nd - 1] = BIG;
            update(cost, prev, prevLeft, prevRight, cur, acc, nd, p1, jump, prevMin, first);
        }

        private int penalty(byte[] guide, int p, int q) {
            if (!params.contrastSensitive()) {
                return p2ByGradient[0];
            }
            return p2ByGradient[Math.abs((guide[p] & 0xFF) - (guide[q] & 0xFF))];
        }
    }
}
