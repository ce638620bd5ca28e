package dev.coreset.selection.assign;

import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Queries;
import dev.coreset.selection.kernel.Workers;

/**
 * For every row of a block, the nearest of k fixed centers (Euclidean) and the distance to it. This is the
 * distributed pass behind CRAIG weights, the k-medoid cost, the k-center radius and the Euclidean facility
 * location value: a Spark task builds one assigner from the broadcast centers and streams its rows through
 * it, block by block; memory is k x d for the centers plus {@value #ROWS} x k floats of scratch.
 *
 * <p>The nearest center is chosen on the blocked squared distances (ties to the lowest center index); the
 * reported distance is then recomputed exactly in double for that center, so costs do not carry the
 * cancellation error of ||a||^2 + ||b||^2 - 2ab. From {@value #PRUNE_MIN_CENTERS} centers on, the search skips
 * groups of centers that cannot hold the nearest ({@link CenterIndex}), with exactly the brute-force answer.
 */
public final class NearestCenterAssigner {
    private static final int ROWS = 64;
    /** Centers from which the grouped search pays: below, one blocked pass over all centers is as cheap. */
    static final int PRUNE_MIN_CENTERS = 512;

    private final PointSet centers;
    private final int k;
    private final int d;
    private final Workers workers;
    private final CenterIndex index;

    /** @param centers k x d row-major */
    public NearestCenterAssigner(float[] centers, int k, int d, Workers workers) {
        this(centers, k, d, workers, k >= PRUNE_MIN_CENTERS);
    }

    private NearestCenterAssigner(float[] centers, int k, int d, Workers workers, boolean grouped) {
        if (k <= 0) throw new IllegalArgumentException("need at least one center, got k=" + k);
        this.centers = PointSet.of(centers, k, d);
        this.k = k;
        this.d = d;
        this.workers = workers;
        CenterIndex ci = grouped ? new CenterIndex(this.centers) : null;
        this.index = ci != null && ci.groupCount() > 1 ? ci : null;
    }

    /** Always compares every row with every center (what {@link CenterIndex} itself uses to form its groups). */
    public static NearestCenterAssigner bruteForce(float[] centers, int k, int d, Workers workers) {
        return new NearestCenterAssigner(centers, k, d, workers, false);
    }

    public NearestCenterAssigner(float[] centers, int k, int d) {
        this(centers, k, d, Workers.inline());
    }

    public int k() { return k; }

    /**
     * Assigns rows [0, count) of {@code block} (row-major, dimension d): outIndex[i] = nearest center,
     * outDistance[i] = its Euclidean distance.
     */
    public void assign(float[] block, int count, int[] outIndex, double[] outDistance) {
        if (index != null) {
            int tasks = (count + CenterIndex.ROWS - 1) / CenterIndex.ROWS;
            Workers w = (long) count * k * d < 20_000_000 ? Workers.inline() : workers;
            w.run(tasks, task -> {
                int from = task * CenterIndex.ROWS;
                int to = Math.min(count, from + CenterIndex.ROWS);
                index.nearest(block, from, to, outIndex);
                for (int r = from; r < to; r++) outDistance[r] = exactDistance(block, r, outIndex[r]);
            });
            return;
        }
        int stride = centers.paddedSize();
        int tasks = (count + ROWS - 1) / ROWS;
        Workers w = (long) count * k * d < 2_000_000 ? Workers.inline() : workers;
        w.run(tasks, task -> {
            int from = task * ROWS;
            int to = Math.min(count, from + ROWS);
            float[] buf = new float[(to - from) * stride];
            BlockKernel.compute(centers, Queries.ofArray(block, d, from, to), BlockKernel.Output.SQ_DIST, 0f,
                    buf, stride, Workers.inline());
            for (int r = from; r < to; r++) {
                int o = (r - from) * stride;
                int best = 0;
                float bestD = buf[o];
                for (int c = 1; c < k; c++) {
                    if (buf[o + c] < bestD) {
                        bestD = buf[o + c];
                        best = c;
                    }
                }
                outIndex[r] = best;
                outDistance[r] = exactDistance(block, r, best);
            }
        });
    }

    /** Assigns a block and folds it into a mergeable summary (weights, cost, radius). */
    public AssignmentSummary summarize(float[] block, int count) {
        int[] idx = new int[count];
        double[] dist = new double[count];
        assign(block, count, idx, dist);
        AssignmentSummary s = new AssignmentSummary(k);
        for (int i = 0; i < count; i++) s.add(idx[i], dist[i]);
        return s;
    }

    private double exactDistance(float[] block, int r, int c) {
        float[] cr = centers.rows();
        double s = 0;
        for (int t = 0; t < d; t++) {
            double diff = (double) block[r * d + t] - cr[c * d + t];
            s += diff * diff;
        }
        return Math.sqrt(s);
    }
}
