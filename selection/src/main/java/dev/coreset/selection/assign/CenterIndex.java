package dev.coreset.selection.assign;

import dev.coreset.selection.function.PointGroups;
import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Queries;
import dev.coreset.selection.kernel.Workers;
import java.util.Arrays;

/**
 * Exact nearest-center search that skips whole groups of centers (triangle inequality), for many centers: the
 * centers are split into groups of about sqrt(k) ({@link PointGroups}); a row first measures its distance to every
 * group's center, is bucketed with the rows of the same nearest group, takes the best center of that group, and
 * then computes only the groups whose lower bound (distance to the group's center minus its radius) is below that
 * best distance plus a margin. The margin bounds the float error of the blocked distances, so every skipped center
 * is strictly farther in float arithmetic too: the chosen center (ties to the lowest index) and its distance are
 * exactly those of the brute-force search over all k.
 */
final class CenterIndex {
    /** Rows bucketed together; a bucket of rows with the same nearest group shares its kernel calls. */
    static final int ROWS = 2048;
    private static final int MAX_BUCKET = 64;
    private static final int STEP = 2 * PointSet.W;

    private final PointSet ordered;
    private final int[] original;
    private final PointGroups groups;
    private final int groupCount;
    private final int width;
    private final int d;
    private final float maxCenterSq;
    private final double[] radius;

    CenterIndex(PointSet centers) {
        int k = centers.size();
        this.d = centers.dim();
        this.groups = PointGroups.build(centers, (int) Math.max(32, Math.sqrt(k)), Workers.inline());
        this.groupCount = groups.count();
        this.radius = new double[groupCount];
        for (int g = 0; g < groupCount; g++) radius[g] = groups.radius(g);
        this.original = groups.order();
        this.ordered = centers.subset(original);
        int largest = 0;
        for (int g = 0; g < groupCount; g++) largest = Math.max(largest, groups.end(g) - groups.start(g));
        this.width = (largest + STEP - 1) / STEP * STEP + 2 * STEP;
        float m = 0;
        for (int i = 0; i < k; i++) m = Math.max(m, centers.sqNorms()[i]);
        this.maxCenterSq = m;
    }

    int groupCount() {
        return groupCount;
    }

    /** Nearest center (original index) of rows [from, to) of a row-major block into outIndex[from..to). */
    void nearest(float[] block, int from, int to, int[] outIndex) {
        int m = to - from;
        PointSet gc = groups.centers();
        int gStride = gc.paddedSize();
        float[] toGroup = new float[m * gStride];
        // Squared distances to the group centers: comparing squares avoids a square root per row and group.
        BlockKernel.compute(gc, Queries.ofArray(block, d, from, to), BlockKernel.Output.SQ_DIST, 0f, toGroup, gStride,
                Workers.inline());
        int[] home = new int[m];
        for (int r = 0; r < m; r++) {
            int best = 0;
            for (int g = 1; g < groupCount; g++) {
                if (toGroup[r * gStride + g] < toGroup[r * gStride + best]) best = g;
            }
            home[r] = best;
        }
        Integer[] byHome = new Integer[m];
        for (int r = 0; r < m; r++) byHome[r] = r;
        Arrays.sort(byHome, (x, y) -> home[x] != home[y] ? Integer.compare(home[x], home[y]) : Integer.compare(x, y));
        float[] rows = new float[MAX_BUCKET * d];
        float[] out = new float[MAX_BUCKET * width];
        int[] bucket = new int[MAX_BUCKET];
        int[] bestPos = new int[MAX_BUCKET];
        float[] bestSq = new float[MAX_BUCKET];
        boolean[] needed = new boolean[groupCount];
        for (int s = 0; s < m; ) {
            int h = home[byHome[s]];
            int b = 0;
            while (s < m && b < MAX_BUCKET && home[byHome[s]] == h) bucket[b++] = byHome[s++];
            for (int j = 0; j < b; j++) System.arraycopy(block, (from + bucket[j]) * d, rows, j * d, d);
            Queries q = Queries.ofArray(rows, d, 0, b);
            Arrays.fill(bestPos, 0, b, -1);
            Arrays.fill(bestSq, 0, b, Float.POSITIVE_INFINITY);
            scan(q, h, out, b, bestPos, bestSq);
            Arrays.fill(needed, false);
            for (int j = 0; j < b; j++) {
                int r = bucket[j];
                double reach = Math.sqrt(bestSq[j]) + margin(rows, j);
                // dist(row, center_g) - radius_g < reach, on squares (both sides are non-negative).
                for (int g = 0; g < groupCount; g++) {
                    double limit = reach + radius[g];
                    if (toGroup[r * gStride + g] < limit * limit) needed[g] = true;
                }
            }
            for (int g = 0; g < groupCount; g++) {
                if (needed[g] && g != h) scan(q, g, out, b, bestPos, bestSq);
            }
            for (int j = 0; j < b; j++) outIndex[from + bucket[j]] = original[bestPos[j]];
        }
    }

    /** Squared distances of the bucket's rows to group g's centers; keeps each row's best (ties: lowest index). */
    private void scan(Queries q, int g, float[] out, int b, int[] bestPos, float[] bestSq) {
        int s = groups.start(g), e = groups.end(g);
        int lo = s / STEP * STEP;
        BlockKernel.computeRange(ordered, q, BlockKernel.Output.SQ_DIST, 0f, out, -lo, width, s, e, lo,
                ordered.paddedSize());
        for (int j = 0; j < b; j++) {
            int row = j * width - lo;
            int bp = bestPos[j];
            float bs = bestSq[j];
            for (int p = s; p < e; p++) {
                float v = out[row + p];
                if (v < bs || (v == bs && bp >= 0 && original[p] < original[bp])) {
                    bs = v;
                    bp = p;
                }
            }
            bestPos[j] = bp;
            bestSq[j] = bs;
        }
    }

    /**
     * Twice a bound on the float error of one blocked distance (a group-center distance and the best distance):
     * the squared distance ||a||^2 + ||b||^2 - 2ab is off by at most about 3 d u (||a||^2 + ||b||^2) (u = 2^-24),
     * taken here as 8 d u (...), and a distance by at most the square root of that.
     */
    private double margin(float[] rows, int j) {
        double sq = 0;
        for (int t = 0; t < d; t++) sq += (double) rows[j * d + t] * rows[j * d + t];
        double err = 8.0 * d * 0x1p-24 * (sq + maxCenterSq);
        return 4 * Math.sqrt(err);
    }
}
