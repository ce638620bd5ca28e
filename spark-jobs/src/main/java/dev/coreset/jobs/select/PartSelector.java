package dev.coreset.jobs.select;

import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.optimize.KCenterGreedy;
import dev.coreset.selection.optimize.LazyGreedy;
import dev.coreset.selection.optimize.Optimizer;
import dev.coreset.selection.optimize.SelectionResult;
import dev.coreset.selection.optimize.StochasticGreedy;
import java.io.Serializable;

/**
 * Runs the plain-Java selection on one part's points inside a Spark task: the only place the Spark job
 * touches the algorithms. Serializable so the job can ship it to executors.
 */
public record PartSelector(SelectMethod method, String optimizer, double epsilon, long cacheBytes)
        implements Serializable {

    /** Selects k of the n points (row-major n x d) and returns their indices in selection order with gains. */
    public SelectionResult select(float[] rows, int n, int d, int k, long seed) {
        PointSet pts = PointSet.of(rows, n, d);
        if (method == SelectMethod.KCENTER) {
            return new KCenterGreedy(Workers.inline()).select(pts, k);
        }
        FacilityLocation f = new FacilityLocation(pts, Similarity.euclidean(), cacheBytes, Workers.inline());
        Optimizer opt = "stochastic".equals(optimizer) ? new StochasticGreedy(epsilon, seed) : new LazyGreedy();
        return opt.maximize(f, k);
    }
}
