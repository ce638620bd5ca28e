package dev.coreset.selection.optimize;

import dev.coreset.selection.function.SetFunction;
import dev.coreset.selection.kernel.PointSet;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * GreeDi / RandGreeDi (Mirzasoleiman et al. 2013; Barbosa et al. 2015) in plain Java: split the rows at
 * random (seeded) into parts of at most {@code partSize}, select k on every part, select k again on the union
 * of the winners, and return the better, by the objective on ALL rows, of that and the best single part.
 *
 * <p>Gains in the result are those of the run that produced the winner (on the union or on its part).
 *
 * <p>The pieces a Spark job runs per task are public: {@link #partition} (driver), {@link #selectFromRows}
 * (one task per part, and once more on the union), and for the final comparison either {@link #evaluate}
 * or, for Euclidean facility location, a distributed
 * {@link dev.coreset.selection.assign.NearestCenterAssigner} pass (value = n x C - k-medoid cost).
 */
public final class GreeDi {
    private final Optimizer optimizer;
    private final Function<PointSet, SetFunction> functionFactory;
    private final int partSize;
    private final long seed;

    /**
     * @param functionFactory builds the set function over a given point set (a part, the union, or all rows)
     */
    public GreeDi(Optimizer optimizer, Function<PointSet, SetFunction> functionFactory, int partSize, long seed) {
        if (partSize < 1) throw new IllegalArgumentException("partSize must be >= 1, got " + partSize);
        this.optimizer = optimizer;
        this.functionFactory = functionFactory;
        this.partSize = partSize;
        this.seed = seed;
    }

    /** Seeded random split of 0..n-1 into ceil(n / partSize) parts of near-equal size (each sorted). */
    public static int[][] partition(int n, int partSize, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int m = Math.max(1, (n + partSize - 1) / partSize);
        int[][] parts = new int[m][];
        for (int p = 0; p < m; p++) {
            int from = (int) ((long) p * n / m);
            int to = (int) ((long) (p + 1) * n / m);
            parts[p] = Arrays.copyOfRange(perm, from, to);
            Arrays.sort(parts[p]);
        }
        return parts;
    }

    /**
     * Piece (a): selects k of the given rows (row-major, dimension d); the result's indices are local row
     * numbers (0..rows-1): map them back with {@link SelectionResult#mapIndices}.
     */
    public SelectionResult selectFromRows(float[] rows, int count, int d, int k) {
        return optimizer.maximize(functionFactory.apply(PointSet.of(rows, count, d)), k);
    }

    /** The objective of a selection (global row indices) on all rows. */
    public double evaluate(PointSet all, int[] selection) {
        return functionFactory.apply(all).evaluate(selection);
    }

    /** Runs the whole composition; result indices are rows of {@code pts}, objective on all rows. */
    public SelectionResult select(PointSet pts, int k) {
        int[][] parts = partition(pts.size(), partSize, seed);
        SelectionResult[] partResults = new SelectionResult[parts.length];
        int[][] winners = new int[parts.length][];
        int total = 0;
        for (int p = 0; p < parts.length; p++) {
            PointSet part = pts.subset(parts[p]);
            partResults[p] = optimizer.maximize(functionFactory.apply(part), k).mapIndices(parts[p]);
            winners[p] = partResults[p].indices();
            total += winners[p].length;
        }
        int[] union = new int[total];
        int o = 0;
        for (int[] w : winners) {
            System.arraycopy(w, 0, union, o, w.length);
            o += w.length;
        }
        Arrays.sort(union);
        SelectionResult merged = optimizer.maximize(functionFactory.apply(pts.subset(union)), k).mapIndices(union);
        SetFunction all = functionFactory.apply(pts);
        SelectionResult best = new SelectionResult(merged.indices(), merged.gains(), all.evaluate(merged.indices()));
        for (int p = 0; p < parts.length; p++) {
            double v = all.evaluate(winners[p]);
            if (v > best.objective()) best = new SelectionResult(winners[p], partResults[p].gains(), v);
        }
        return best;
    }
}
