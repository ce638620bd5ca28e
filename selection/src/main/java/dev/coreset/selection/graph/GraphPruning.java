package dev.coreset.selection.graph;

import java.util.PriorityQueue;

/**
 * D2-Pruning's message passing (Maharana et al., ICLR 2024; ALGORITHMS.md) on one part's k-nearest-neighbour graph.
 * Node weight s_i = a sample's difficulty (>= 0). Forward: every node gathers its neighbours' difficulty,
 * s_i' = s_i + sum over neighbours j of exp(-gamma_f d_ij / scale) s_j (one pass, from the original s). Reverse:
 * repeatedly take the node with the highest s (ties to the lower index) and lower each of its neighbours j by
 * exp(-gamma_r d_ij / scale) times the taken node's s, so that the next picks come from other regions: difficulty
 * balanced with diversity. Distances are divided by {@code scale} (the graph's mean edge distance by default): raw
 * exp(-d) of embedding distances underflows or saturates depending on the embedding's units.
 *
 * <p>Parts: a node's score only ever changes through picks in its own part, so the picks of a whole class are the
 * parts' pick sequences merged by the value each pick had when taken ({@link #merge}): exactly what one reverse pass
 * over the union of the parts' graphs would pick.
 */
public final class GraphPruning {
    /** The paper's neighbours per node. */
    public static final int DEFAULT_K = 10;
    public static final double DEFAULT_GAMMA_FORWARD = 1.0;
    /** The paper's gamma for the reverse pass. */
    public static final double DEFAULT_GAMMA_REVERSE = 0.1;

    /** Picks in order with the score each had when it was taken. */
    public record Picks(int[] indices, double[] values) {
        public int size() {
            return indices.length;
        }
    }

    private GraphPruning() {
    }

    /** The forward pass: s_i + sum_j exp(-gamma d_ij / scale) s_j over i's neighbours j. */
    public static double[] forward(NeighbourGraph g, double[] s, double gamma, double scale) {
        check(g, s, gamma, scale);
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            double v = s[i];
            for (int j = 0; j < g.degree(); j++) {
                v += Math.exp(-gamma * g.distance(i, j) / scale) * s[g.neighbour(i, j)];
            }
            out[i] = v;
        }
        return out;
    }

    /**
     * The reverse pass: {@code budget} picks (at most n) from scores {@code s} (not modified). A lazy max-heap: every
     * change of a node's score pushes a fresh entry; an entry whose score is no longer the node's is skipped.
     */
    public static Picks reverse(NeighbourGraph g, double[] s, double gamma, double scale, int budget) {
        check(g, s, gamma, scale);
        int n = s.length;
        if (budget < 0 || budget > n) {
            throw new IllegalArgumentException("budget " + budget + " outside 0.." + n);
        }
        double[] cur = s.clone();
        boolean[] taken = new boolean[n];
        PriorityQueue<double[]> heap = new PriorityQueue<>(Math.max(1, n), GraphPruning::higherFirst);
        for (int i = 0; i < n; i++) {
            heap.add(new double[] {cur[i], i});
        }
        int[] picks = new int[budget];
        double[] values = new double[budget];
        int p = 0;
        while (p < budget) {
            double[] top = heap.poll();
            int i = (int) top[1];
            if (taken[i] || top[0] != cur[i]) {
                continue; // stale
            }
            taken[i] = true;
            picks[p] = i;
            values[p++] = cur[i];
            for (int j = 0; j < g.degree(); j++) {
                int nb = g.neighbour(i, j);
                if (!taken[nb]) {
                    cur[nb] -= Math.exp(-gamma * g.distance(i, j) / scale) * cur[i];
                    heap.add(new double[] {cur[nb], nb});
                }
            }
        }
        return new Picks(picks, values);
    }

    /** Forward then reverse on one part's graph, distances scaled by its mean edge distance. */
    public static Picks select(NeighbourGraph g, double[] difficulty, double gammaForward, double gammaReverse,
                               int budget) {
        double scale = g.meanDistance();
        return reverse(g, forward(g, difficulty, gammaForward, scale), gammaReverse, scale, budget);
    }

    /**
     * The first {@code budget} picks of the merged sequences: repeatedly the part whose next pick has the highest
     * value (ties to the lower part index, which matches one pass over the union when the parts' indices are
     * contiguous and in part order). Returns {part, position in that part's sequence} per pick.
     */
    public static int[][] merge(double[][] values, int budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("budget must be >= 0, got " + budget);
        }
        int[] next = new int[values.length];
        int total = 0;
        for (double[] v : values) {
            total += v.length;
        }
        int m = Math.min(budget, total);
        int[][] out = new int[m][];
        for (int t = 0; t < m; t++) {
            int best = -1;
            for (int p = 0; p < values.length; p++) {
                if (next[p] < values[p].length && (best < 0 || values[p][next[p]] > values[best][next[best]])) {
                    best = p;
                }
            }
            out[t] = new int[] {best, next[best]++};
        }
        return out;
    }

    /** Higher score first, then lower index. Compared as numbers: -0.0 ties with 0.0 (Double.compare would not). */
    private static int higherFirst(double[] a, double[] b) {
        if (a[0] != b[0]) {
            return a[0] > b[0] ? -1 : 1;
        }
        return Double.compare(a[1], b[1]);
    }

    private static void check(NeighbourGraph g, double[] s, double gamma, double scale) {
        if (g.size() != s.length) {
            throw new IllegalArgumentException("graph has " + g.size() + " nodes, scores " + s.length);
        }
        if (!(gamma >= 0) || !(scale > 0)) {
            throw new IllegalArgumentException("need gamma >= 0 and scale > 0, got " + gamma + ", " + scale);
        }
        for (int i = 0; i < s.length; i++) {
            if (!Double.isFinite(s[i])) {
                throw new IllegalArgumentException("score of node " + i + " is not finite: " + s[i]);
            }
        }
    }
}
