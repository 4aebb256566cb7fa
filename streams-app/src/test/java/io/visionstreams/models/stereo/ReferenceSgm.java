package io.visionstreams.models.stereo;

/**
 * The textbook float SGM, one path at a time with each path's whole volume stored: slow and plain, the
 * reference the integer, fused {@link SemiGlobalMatching} is checked against.
 */
final class ReferenceSgm {

    private ReferenceSgm() {
    }

    /** Aggregated cost S[(y·w + x)·nd + d] over 4 or 8 paths, constant P2 (costs in cost units). */
    static double[] aggregate(float[][] cost, int w, int h, int nd, int paths, double p1, double p2) {
        int[][] dirs = paths == 4 ? new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}
                : new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}};
        double[] s = new double[w * h * nd];
        for (int[] r : dirs) {
            double[] l = new double[w * h * nd];
            // visit pixels so that p − r is always done before p
            for (int i = 0; i < h; i++) {
                int y = r[1] >= 0 ? i : h - 1 - i;
                for (int j = 0; j < w; j++) {
                    int x = r[0] >= 0 ? j : w - 1 - j;
                    int px = x - r[0], py = y - r[1];
                    int p = y * w + x;
                    boolean start = px < 0 || px >= w || py < 0 || py >= h;
                    double prevMin = Double.POSITIVE_INFINITY;
                    int q = py * w + px;
                    if (!start) {
                        for (int d = 0; d < nd; d++) {
                            prevMin = Math.min(prevMin, l[q * nd + d]);
                        }
                    }
                    for (int d = 0; d < nd; d++) {
                        double c = cost[p][d];
                        if (start) {
                            l[p * nd + d] = c;
                            continue;
                        }
                        double best = Math.min(l[q * nd + d], prevMin + p2);
                        if (d > 0) {
                            best = Math.min(best, l[q * nd + d - 1] + p1);
                        }
                        if (d < nd - 1) {
                            best = Math.min(best, l[q * nd + d + 1] + p1);
                        }
                        l[p * nd + d] = c + best - prevMin;
                    }
                }
            }
            for (int i = 0; i < s.length; i++) {
                s[i] += l[i];
            }
        }
        return s;
    }
}
