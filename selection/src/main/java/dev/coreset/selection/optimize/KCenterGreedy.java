package dev.coreset.selection.optimize;

import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Queries;
import dev.coreset.selection.kernel.Workers;

/**
 * k-center greedy (farthest-first traversal, Gonzalez 1985; Sener and Savarese 2018): start from a fixed
 * point, then repeatedly add the point farthest from the selected set (ties to the lowest index). A
 * 2-approximation of min_S max_i dist(i, S). One distance row per pick, O(nkd), memory O(n).
 *
 * <p>Result: indices in pick order; gains[t] = the covering radius max_i dist(i, S) right after pick t
 * (non-increasing); objective = the final radius.
 */
public final class KCenterGreedy {
    private final Workers workers;

    public KCenterGreedy(Workers workers) {
        this.workers = workers;
    }

    public KCenterGreedy() {
        this(Workers.inline());
    }

    /** Starts from the point nearest the centroid (deterministic). */
    public SelectionResult select(PointSet pts, int k) {
        return select(pts, k, nearestToCentroid(pts));
    }

    public SelectionResult select(PointSet pts, int k, int start) {
        int n = pts.size();
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        k = Math.min(k, n);
        int[] picked = new int[k];
        double[] radius = new double[k];
        if (k == 0) return new SelectionResult(picked, radius, 0);
        if (start < 0 || start >= n) throw new IllegalArgumentException("start out of range: " + start);
        int stride = pts.paddedSize();
        float[] minDist = new float[stride];
        java.util.Arrays.fill(minDist, Float.POSITIVE_INFINITY);
        float[] row = new float[stride];
        int next = start;
        for (int t = 0; t < k; t++) {
            picked[t] = next;
            BlockKernel.compute(pts, Queries.ofRows(pts, new int[] {next}, 1), BlockKernel.Output.DIST, 0f, row, stride,
                    workers);
            row[next] = 0f; // a point is at distance 0 from itself, whatever the rounding of the blocked form
            int far = 0;
            float farD = -1f;
            for (int i = 0; i < n; i++) {
                if (row[i] < minDist[i]) minDist[i] = row[i];
                if (minDist[i] > farD) {
                    farD = minDist[i];
                    far = i;
                }
            }
            radius[t] = farD;
            next = far;
        }
        return new SelectionResult(picked, radius, radius[k - 1]);
    }

    /** The point nearest the centroid, lowest index on ties. */
    public static int nearestToCentroid(PointSet pts) {
        double[] d2 = pts.sqDistancesToCentroid();
        int best = 0;
        for (int i = 1; i < d2.length; i++) if (d2[i] < d2[best]) best = i;
        return best;
    }
}
