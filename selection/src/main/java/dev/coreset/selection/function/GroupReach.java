package dev.coreset.selection.function;

import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Queries;
import dev.coreset.selection.kernel.Workers;
import java.util.Arrays;

/**
 * Facility location's group pruning. Point i can only gain from a candidate c if dist(i, c) &lt; reach_i, with
 * reach_i = C - cur[i] (Euclidean) or sqrt(-ln(cur[i]) / gamma) (RBF); group g is out of c's reach when
 * dist(c, center_g) - radius_g &gt;= max_{i in g} reach_i + margin, and then every one of its terms is exactly 0.
 * Cosine is not pruned. Holds dist(point, center_g) for every point and group (n x G floats, computed once) and
 * the current reach of each group.
 */
final class GroupReach {
    private final PointGroups groups;
    private final int groupCount;
    private final Similarity.Kind kind;
    private final float param;
    private final boolean prunable;
    private final double margin;
    private final float[] centerDistance;
    private final double[] reach;

    /**
     * @param ordered the points in group order
     * @param param   the resolved similarity parameter (C or gamma)
     * @param margin  slack that dwarfs float rounding (1e-3 x the distance bound)
     */
    GroupReach(PointSet ordered, PointGroups groups, Similarity.Kind kind, float param, double margin, Workers workers,
               int batch) {
        this.groups = groups;
        this.groupCount = groups.count();
        this.kind = kind;
        this.param = param;
        this.prunable = kind != Similarity.Kind.COSINE;
        this.margin = margin;
        this.centerDistance = centerDistances(ordered, workers, batch);
        this.reach = new double[groupCount];
        reset();
    }

    /** The empty set's reach: every group, for every candidate. */
    void reset() {
        Arrays.fill(reach, kind == Similarity.Kind.EUCLIDEAN ? param : Double.POSITIVE_INFINITY);
    }

    boolean inReach(int p, int g) {
        return inReach(p, g, reach);
    }

    /** Like {@link #inReach(int, int)} for another state's reach (see {@link #copy}). */
    boolean inReach(int p, int g, double[] reachOf) {
        return !prunable || centerDistance[p * groupCount + g] - groups.radius(g) < reachOf[g] + margin;
    }

    /** Group g's reach after its points' cur changed. */
    void update(int g, float[] cur) {
        reach[g] = of(g, cur);
    }

    /** A copy of the current reach, to update for a state not yet taken. */
    double[] copy() {
        return reach.clone();
    }

    /** max over group g's points of the distance within which a candidate can still improve them, given cur c. */
    double of(int g, float[] c) {
        double r = 0;
        for (int p = groups.start(g); p < groups.end(g); p++) {
            double ri = switch (kind) {
                case EUCLIDEAN -> (double) param - c[p];
                case RBF -> c[p] > 0 ? Math.sqrt(Math.max(0, -Math.log(c[p])) / param) : Double.POSITIVE_INFINITY;
                case COSINE -> Double.POSITIVE_INFINITY;
            };
            r = Math.max(r, ri);
        }
        return r;
    }

    /** dist(point, center_g) for every point (in group order) and group. */
    private float[] centerDistances(PointSet ordered, Workers workers, int batch) {
        int n = ordered.size();
        PointSet centers = groups.centers();
        int gStride = centers.paddedSize();
        float[] out = new float[n * groupCount];
        float[] buf = new float[batch * gStride];
        int[] pos = new int[batch];
        for (int from = 0; from < n; from += batch) {
            int m = Math.min(batch, n - from);
            for (int j = 0; j < m; j++) pos[j] = from + j;
            BlockKernel.compute(centers, Queries.ofRows(ordered, pos, m), BlockKernel.Output.DIST, 0f, buf, gStride,
                    workers);
            for (int j = 0; j < m; j++) System.arraycopy(buf, j * gStride, out, (from + j) * groupCount, groupCount);
        }
        return out;
    }
}
