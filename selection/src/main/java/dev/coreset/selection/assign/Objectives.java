package dev.coreset.selection.assign;

import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;

/**
 * Quality metrics of a selection over a whole point set, computed block-wise with no n x n matrix:
 * the k-medoid cost (what we report; lower is better), the k-center radius and CRAIG weights.
 */
public final class Objectives {
    private Objectives() {
    }

    /** Assignment summary of every point of {@code pts} to the selected rows. */
    public static AssignmentSummary summarize(PointSet pts, int[] selected, Workers workers) {
        NearestCenterAssigner a = new NearestCenterAssigner(pts.gather(selected), selected.length, pts.dim(), workers);
        return a.summarize(pts.rows(), pts.size());
    }

    /** sum over points of the Euclidean distance to the nearest selected point. */
    public static double kMedoidCost(PointSet pts, int[] selected) {
        return summarize(pts, selected, Workers.inline()).kMedoidCost();
    }

    /** max over points of the distance to the nearest selected point. */
    public static double kCenterRadius(PointSet pts, int[] selected) {
        return summarize(pts, selected, Workers.inline()).kCenterRadius();
    }

    /**
     * CRAIG weights: weights[j] = number of points whose nearest selected point is selected[j]
     * (a selected point is its own nearest, up to exact duplicates); sums to n.
     */
    public static long[] craigWeights(PointSet pts, int[] selected) {
        return summarize(pts, selected, Workers.inline()).weights();
    }
}
