package dev.coreset.scoring.train.crest;

import dev.coreset.selection.assign.AssignmentSummary;
import dev.coreset.selection.assign.NearestCenterAssigner;
import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.optimize.LazyGreedy;
import dev.coreset.selection.optimize.Optimizer;
import dev.coreset.selection.optimize.SelectionResult;
import dev.coreset.selection.optimize.StochasticGreedy;

/**
 * Selects a mini-batch coreset from one random subset: facility location with CRAIG's Euclidean similarity
 * (C - ||g_i - g_j||) on the subset's per-sample gradients, maximised by lazy greedy (the exact greedy answer)
 * or stochastic greedy, then CRAIG weights from one nearest-selected assignment pass. Plain Java (the
 * {@code selection} module); nothing larger than the subset is held.
 */
final class CoresetSelector {
    private final String optimizer;
    private final double epsilon;

    CoresetSelector(String optimizer, double epsilon) {
        this.optimizer = optimizer;
        this.epsilon = epsilon;
    }

    /**
     * @param gradients {@code subset.length} x dim, row-major: row j is the gradient of training row subset[j]
     * @param k         coreset size (at most the subset size)
     * @param seed      stochastic greedy's seed (unused by lazy greedy)
     */
    MiniBatchCoreset select(int[] subset, float[] gradients, int dim, int k, long seed) {
        int n = subset.length;
        PointSet points = PointSet.of(gradients, n, dim);
        FacilityLocation f = new FacilityLocation(points, Similarity.euclidean());
        Optimizer opt = "stochastic".equals(optimizer) ? new StochasticGreedy(epsilon, seed) : new LazyGreedy();
        SelectionResult picked = opt.maximize(f, Math.min(k, n));
        int[] local = picked.indices();
        AssignmentSummary summary = new NearestCenterAssigner(points.gather(local), local.length, dim,
                Workers.inline()).summarize(gradients, n);
        long[] counts = summary.weights();
        int[] rows = new int[local.length];
        float[] weights = new float[local.length];
        for (int j = 0; j < local.length; j++) {
            rows[j] = subset[local[j]];
            weights[j] = counts[j];
        }
        return new MiniBatchCoreset(rows, weights);
    }
}
