package dev.coreset.selection.dedup;

import dev.coreset.selection.kernel.PointSet;
import java.util.Arrays;

/**
 * SemDeDup's rule on one group of points held in memory (a cluster, or a chunk of one in tests): cosine similarity of
 * every earlier/later pair by the blocked kernel, then {@link GreedyKeep}. The rows must be in keep order (the item to
 * keep first at index 0); the caller sorts them (e.g. nearest its cluster's centre first for keep-easy).
 */
public final class NearDuplicates {
    private NearDuplicates() {
    }

    /** Threshold on cosine similarity for an epsilon in (0, 1): pairs at or above 1 - epsilon are duplicates. */
    public static float threshold(double epsilon) {
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("epsilon must be in (0, 1), got " + epsilon);
        }
        return (float) (1 - epsilon);
    }

    /** @param rows n x d row-major, in keep order */
    public static GreedyKeep.Result find(float[] rows, int n, int d, double epsilon) {
        PointSet pts = PointSet.of(rows, n, d);
        Edges edges = new Edges();
        new PairScan(pts, 0, pts, 0).edges(threshold(epsilon), edges);
        return GreedyKeep.resolve(n, edges);
    }

    /** Each item's highest similarity to an earlier item (-infinity for the first). */
    public static float[] maxEarlier(float[] rows, int n, int d) {
        PointSet pts = PointSet.of(rows, n, d);
        float[] max = new float[n];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        new PairScan(pts, 0, pts, 0).maxEarlier(max);
        return max;
    }

    /**
     * The epsilon at which SemDeDup's rule (an item goes when any earlier item is within it) removes {@code share} of
     * the items: 1 minus the ceil(share x n)-th largest of the items' highest similarity to an earlier item. The greedy
     * rule ({@link GreedyKeep}, only kept items remove) removes at most that share at this epsilon: fewer when near
     * copies form chains (more only when float similarities tie at the threshold: all of the tied items go). Returns NaN when no epsilon in (0, 1) removes that many (too few similar pairs).
     *
     * @param maxEarlier every item's highest similarity to an earlier item of its cluster (any order)
     */
    public static double epsilonForShare(float[] maxEarlier, double share) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("share must be in (0, 1), got " + share);
        }
        return epsilonForCount(maxEarlier, (int) Math.ceil(share * maxEarlier.length));
    }

    /** The same for a count of items to remove (1..n): exact where share x n would round. */
    public static double epsilonForCount(float[] maxEarlier, int count) {
        if (count < 1 || count > maxEarlier.length) {
            return Double.NaN;
        }
        float[] sorted = maxEarlier.clone();
        Arrays.sort(sorted);
        float t = sorted[sorted.length - count];
        double eps = 1 - (double) t;
        if (!(eps < 1)) {
            return Double.NaN;
        }
        // 1 - eps gives back t exactly (t is a float), so the threshold admits the count-th item.
        return Math.max(eps, MIN_EPSILON);
    }

    /** The smallest epsilon used: below it float similarities cannot tell pairs apart. */
    public static final double MIN_EPSILON = 1e-6;
}
