package io.visionstreams.models.stereo;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * Semi-global matching (Hirschmüller 2008) on a dense cost volume: for each path direction r,
 * <pre>
 *   L_r(p, d) = C(p, d) + min(L_r(p−r, d), L_r(p−r, d±1) + P1, min_k L_r(p−r, k) + P2') − min_k L_r(p−r, k)
 * </pre>
 * summed over 4 paths (left, right, up, down) or 8 (plus the diagonals). P2' = P2 or, contrast-sensitive,
 * P2 / (1 + |I(p) − I(p−r)| / contrastScale), never below P1: disparity jumps are cheaper across image
 * edges, the SGM counterpart of the doc's λ₁ + λ₂·exp(−‖∇I‖/σ²) pairwise term (§9.4).
 *
 * <p>Horizontal paths run row-parallel. Vertical and diagonal paths sweep rows in order with the
 * columns split between threads; diagonals read the neighbouring column of the previous row, so those
 * sweeps wait for every thread at the end of each row. The per-pixel update is a straight loop over d
 * the JIT vectorises; the minimum is taken in a second loop for the same reason.
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
            if (contrastSensitive && !(contrastScale > 0)) {
                throw new IllegalArgumentException("contrast scale must be > 0, got " + contrastScale);
            }
        }
    }

    private final Params params;

    public SemiGlobalMatching(Params params) {
        this.params = params;
    }

    public Params params() {
        return params;
    }

    @Override
    public String name() {
        return "sgm-" + params.paths();
    }

    @Override
    public void aggregate(CostVolume cost, byte[] guide, CostVolume out, RowParallel parallel) {
        int w = cost.width(), h = cost.height(), nd = cost.disparities();
        if (out.width() != w || out.height() != h || out.disparities() != nd) {
            throw new IllegalArgumentException("output volume shape differs from the cost volume");
        }
        if (params.contrastSensitive() && (guide == null || guide.length != w * h)) {
            throw new IllegalArgumentException("contrast-sensitive SGM needs a " + w + "x" + h + " gray guide image");
        }
        float[] c = cost.data(), s = out.data();
        horizontal(c, s, guide, w, h, nd, parallel);
        int[] dxs = params.paths() == 8 ? new int[] {-1, 0, 1} : new int[] {0};
        vertical(c, s, guide, w, h, nd, dxs, +1, parallel);
        vertical(c, s, guide, w, h, nd, dxs, -1, parallel);
    }

    /** Left→right (writes S) then right→left (adds to S), one row per task. */
    private void horizontal(float[] c, float[] s, byte[] guide, int w, int h, int nd, RowParallel parallel) {
        parallel.forBlocks(h, (y0, y1, b) -> {
            float[] prev = new float[nd], cur = new float[nd];
            for (int y = y0; y < y1; y++) {
                int row = y * w;
                for (int dir = 0; dir < 2; dir++) {
                    int step = dir == 0 ? 1 : -1;
                    int x = dir == 0 ? 0 : w - 1;
                    int o = (row + x) * nd;
                    System.arraycopy(c, o, prev, 0, nd);
                    float prevMin = accumulate(prev, 0, s, o, nd, dir == 0);
                    for (int i = 1; i < w; i++) {
                        x += step;
                        o = (row + x) * nd;
                        float p2 = penalty(guide, row + x, row + x - step);
                        update(c, o, prev, 0, cur, 0, nd, params.p1(), p2, prevMin);
                        prevMin = accumulate(cur, 0, s, o, nd, dir == 0);
                        float[] t = prev;
                        prev = cur;
                        cur = t;
                    }
                }
            }
        });
    }

    /**
     * Rows in order (dy = +1 top→bottom, −1 bottom→top), one path per dx in {@code dxs}, each path's
     * previous row kept in its own buffer. Columns are split between threads.
     */
    private void vertical(float[] c, float[] s, byte[] guide, int w, int h, int nd, int[] dxs, int dy,
                          RowParallel parallel) {
        int np = dxs.length;
        float[][] prev = new float[np][w * nd], cur = new float[np][w * nd];
        float[][] prevMin = new float[np][w], curMin = new float[np][w];
        boolean diagonal = np > 1;
        int blocks = parallel.blocks(w);
        CyclicBarrier rowDone = diagonal && blocks > 1 ? new CyclicBarrier(blocks) : null;
        parallel.forBlocks(w, (x0, x1, b) -> {
            float[][] pv = prev, cu = cur;
            float[][] pm = prevMin, cm = curMin;
            try {
                for (int i = 0; i < h; i++) {
                    int y = dy > 0 ? i : h - 1 - i;
                    int row = y * w;
                    for (int k = 0; k < np; k++) {
                        int dx = dxs[k];
                        for (int x = x0; x < x1; x++) {
                            int o = (row + x) * nd;
                            int px = x - dx;
                            if (i == 0 || px < 0 || px >= w) {
                                System.arraycopy(c, o, cu[k], x * nd, nd); // the path starts here
                                cm[k][x] = accumulate(cu[k], x * nd, s, o, nd, false);
                            } else {
                                float p2 = penalty(guide, row + x, row - dy * w + px);
                                update(c, o, pv[k], px * nd, cu[k], x * nd, nd, params.p1(), p2, pm[k][px]);
                                cm[k][x] = accumulate(cu[k], x * nd, s, o, nd, false);
                            }
                        }
                    }
                    if (rowDone != null) {
                        rowDone.await(); // everyone's row i is written before anyone reads it as row i−1
                    }
                    float[][] t = pv;
                    pv = cu;
                    cu = t;
                    t = pm;
                    pm = cm;
                    cm = t;
                }
            } catch (InterruptedException | BrokenBarrierException e) {
                throw new IllegalStateException("SGM sweep aborted", e);
            } catch (RuntimeException e) {
                if (rowDone != null) {
                    rowDone.reset(); // release the other threads instead of leaving them waiting
                }
                throw e;
            }
        });
    }

    private float penalty(byte[] guide, int p, int q) {
        if (!params.contrastSensitive()) {
            return params.p2();
        }
        int grad = Math.abs((guide[p] & 0xFF) - (guide[q] & 0xFF));
        return Math.max(params.p1(), params.p2() / (1f + grad / params.contrastScale()));
    }

    /**
     * One SGM step for one pixel: {@code cur[uo + d]} from the path's previous pixel {@code prev[po + d]}
     * and the pixel's cost {@code c[co + d]}.
     */
    static void update(float[] c, int co, float[] prev, int po, float[] cur, int uo, int nd, float p1, float p2,
                       float prevMin) {
        float jump = prevMin + p2;
        if (nd == 1) {
            cur[uo] = c[co] + Math.min(prev[po], jump) - prevMin;
            return;
        }
        cur[uo] = c[co] + Math.min(Math.min(prev[po], prev[po + 1] + p1), jump) - prevMin;
        for (int d = 1; d < nd - 1; d++) {
            float v = Math.min(prev[po + d], Math.min(prev[po + d - 1], prev[po + d + 1]) + p1);
            cur[uo + d] = c[co + d] + Math.min(v, jump) - prevMin;
        }
        int e = nd - 1;
        cur[uo + e] = c[co + e] + Math.min(Math.min(prev[po + e], prev[po + e - 1] + p1), jump) - prevMin;
    }

    /** Adds (or, for the first path, stores) a path's values into S and returns their minimum. */
    static float accumulate(float[] l, int lo, float[] s, int so, int nd, boolean first) {
        if (first) {
            System.arraycopy(l, lo, s, so, nd);
        } else {
            for (int d = 0; d < nd; d++) {
                s[so + d] += l[lo + d];
            }
        }
        float m = Float.POSITIVE_INFINITY;
        for (int d = 0; d < nd; d++) {
            m = Math.min(m, l[lo + d]);
        }
        return m;
    }
}
