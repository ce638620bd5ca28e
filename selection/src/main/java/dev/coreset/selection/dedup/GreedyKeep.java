package dev.coreset.selection.dedup;

import java.util.Arrays;

/**
 * Which items of a cluster are kept, from its near-duplicate pairs. Items are visited in keep order (rank 0 first);
 * an item is a duplicate when some already KEPT item (a smaller rank) has similarity >= the threshold with it, and it
 * is then named a duplicate of the kept item most similar to it (ties: the smaller rank). An item whose only near
 * copies were themselves removed stays: a chain a ~ b ~ c with a and c apart keeps a and c.
 * Only the pairs matter (the caller found them at the same threshold), so this is linear in their number.
 */
public final class GreedyKeep {
    /** duplicateOf[r] = the rank of the kept item that rank r duplicates, or -1 if r is kept; similarity[r] with it. */
    public record Result(int[] duplicateOf, float[] similarity) {
        public int duplicates() {
            int c = 0;
            for (int k : duplicateOf) {
                if (k >= 0) {
                    c++;
                }
            }
            return c;
        }
    }

    private GreedyKeep() {
    }

    /** @param n items in the cluster (ranks 0..n-1); every edge's later rank is greater than its earlier rank */
    public static Result resolve(int n, Edges edges) {
        // Edges grouped by their later item (counting sort), so each item reads only its own pairs.
        int[] start = new int[n + 1];
        for (int e = 0; e < edges.size(); e++) {
            int later = edges.later(e);
            if (edges.earlier(e) >= later || later >= n) {
                throw new IllegalArgumentException("edge " + later + " -> " + edges.earlier(e) + " outside keep order");
            }
            start[later + 1]++;
        }
        for (int i = 0; i < n; i++) {
            start[i + 1] += start[i];
        }
        int[] fill = Arrays.copyOf(start, n);
        int[] byLater = new int[edges.size()];
        for (int e = 0; e < edges.size(); e++) {
            byLater[fill[edges.later(e)]++] = e;
        }
        int[] duplicateOf = new int[n];
        float[] sim = new float[n];
        Arrays.fill(duplicateOf, -1);
        for (int i = 0; i < n; i++) {
            int best = -1;
            float bestSim = Float.NEGATIVE_INFINITY;
            for (int k = start[i]; k < start[i + 1]; k++) {
                int e = byLater[k];
                int j = edges.earlier(e);
                if (duplicateOf[j] >= 0) {
                    continue; // removed items remove nothing
                }
                float s = edges.similarity(e);
                if (s > bestSim || (s == bestSim && j < best)) {
                    best = j;
                    bestSim = s;
                }
            }
            if (best >= 0) {
                duplicateOf[i] = best;
                sim[i] = bestSim;
            }
        }
        return new Result(duplicateOf, sim);
    }
}
