package dev.coreset.selection.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.graph.GraphPruning.Picks;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GraphPruningTest {
    /**
     * A graph as dense arrays: w[i][j] = exp(-gamma d_ij / scale) on an edge i -> j (j among i's neighbours), and
     * edge[i][j] whether there is one. Built straight from the graph's stored distances.
     */
    private record Dense(double[][] w, boolean[][] edge) {
        static Dense of(int n) {
            return new Dense(new double[n][n], new boolean[n][n]);
        }

        /** Adds graph g's edges with node i of g at node offset + i. */
        void add(NeighbourGraph g, int offset, double gamma, double scale) {
            for (int i = 0; i < g.size(); i++) {
                for (int j = 0; j < g.degree(); j++) {
                    int to = offset + g.neighbour(i, j);
                    w[offset + i][to] = Math.exp(-gamma * g.distance(i, j) / scale);
                    edge[offset + i][to] = true;
                }
            }
        }
    }

    private static Dense dense(NeighbourGraph g, double gamma, double scale) {
        Dense d = Dense.of(g.size());
        d.add(g, 0, gamma, scale);
        return d;
    }

    /** Forward written out: s_i plus the weighted s_j over every j with an edge i -> j, j ascending. */
    private static double[] forwardReference(Dense g, double[] s) {
        int n = s.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = s[i];
            for (int j = 0; j < n; j++) {
                if (g.edge()[i][j]) {
                    out[i] += g.w()[i][j] * s[j];
                }
            }
        }
        return out;
    }

    /** Reverse written out: a full scan for the highest untaken score (lower index on ties), then its out-edges. */
    private static Picks reverseReference(Dense g, double[] s, int budget) {
        int n = s.length;
        double[] cur = s.clone();
        boolean[] taken = new boolean[n];
        int[] picks = new int[budget];
        double[] values = new double[budget];
        for (int p = 0; p < budget; p++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || cur[i] > cur[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            picks[p] = best;
            values[p] = cur[best];
            for (int j = 0; j < n; j++) {
                if (g.edge()[best][j] && !taken[j]) {
                    cur[j] -= g.w()[best][j] * cur[best];
                }
            }
        }
        return new Picks(picks, values);
    }

    /** Scores on a grid of tenths (many exact ties) or continuous, optionally with negative values. */
    private static double[] scores(int n, SplittableRandom r, boolean ties, boolean negative) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            double v = ties ? r.nextInt(11) / 10.0 : r.nextDouble();
            s[i] = negative && r.nextInt(3) == 0 ? -v : v;
        }
        return s;
    }

    @Test
    void forwardAddsEachNeighboursWeightedScore() {
        SplittableRandom r = new SplittableRandom(60);
        for (int trial = 0; trial < 20; trial++) {
            int n = 20 + r.nextInt(80);
            NeighbourGraph g = NeighbourGraph.build(NeighbourGraphTest.gaussian(n, 2 + r.nextInt(6), trial), 1
                    + r.nextInt(12), Workers.inline());
            double gamma = new double[] {0, 0.1, 1, 5}[trial % 4];
            double scale = trial % 2 == 0 ? g.meanDistance() : 0.5 + r.nextDouble();
            double[] s = scores(n, r, trial % 3 == 0, trial % 5 == 0);
            double[] got = GraphPruning.forward(g, s, gamma, scale);
            double[] expected = forwardReference(dense(g, gamma, scale), s);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], got[i], 1e-12 * Math.max(1, Math.abs(expected[i])), "node " + i);
            }
        }
    }

    @Test
    void forwardByHandOnALine() {
        // Points 0, 1, 2 on a line, k = 1: 0 -> 1, 1 -> 0 (tie with 2, lower index), 2 -> 1; all distances 1.
        float[] x = {0, 1, 2};
        NeighbourGraph g = NeighbourGraph.build(PointSet.of(x, 3, 1), 1, Workers.inline());
        double e = Math.exp(-2.0 / 4); // gamma 2, scale 4
        double[] got = GraphPruning.forward(g, new double[] {1, 10, 100}, 2, 4);
        assertArrayEquals(new double[] {1 + 10 * e, 10 + e, 100 + 10 * e}, got, 1e-12);
        // gamma 0: every neighbour counts in full.
        assertArrayEquals(new double[] {11, 11, 110}, GraphPruning.forward(g, new double[] {1, 10, 100}, 0, 1));
    }

    @Test
    void reverseMatchesAFullScanReferenceExactly() {
        SplittableRandom r = new SplittableRandom(61);
        for (int trial = 0; trial < 40; trial++) {
            int n = 10 + r.nextInt(120);
            NeighbourGraph g = NeighbourGraph.build(NeighbourGraphTest.gaussian(n, 2 + r.nextInt(8), 100 + trial),
                    1 + r.nextInt(12), Workers.inline());
            double gamma = new double[] {0.1, 1, 0, 3}[trial % 4];
            double scale = g.meanDistance();
            double[] s = scores(n, r, trial % 2 == 0, trial % 3 == 0);
            int budget = trial % 4 == 0 ? n : r.nextInt(n + 1);
            double[] before = s.clone();
            Picks got = GraphPruning.reverse(g, s, gamma, scale, budget);
            Picks expected = reverseReference(dense(g, gamma, scale), s, budget);
            assertArrayEquals(expected.indices(), got.indices(), "trial " + trial);
            assertArrayEquals(expected.values(), got.values(), 0.0, "trial " + trial);
            assertArrayEquals(before, s, 0.0, "reverse changed its input");
            if (budget == n) {
                int[] all = got.indices().clone();
                Arrays.sort(all);
                for (int i = 0; i < n; i++) {
                    assertEquals(i, all[i]);
                }
            }
        }
    }

    @Test
    void reverseByHandOnALine() {
        // Points 0..3 on a line, k = 1: 0 -> 1, 1 -> 0, 2 -> 1, 3 -> 2; distances 1, gamma 1, scale 1.
        NeighbourGraph g = NeighbourGraph.build(PointSet.of(new float[] {0, 1, 2, 3}, 4, 1), 1, Workers.inline());
        double e = Math.exp(-1);
        // 2 first (5), lowering 1 to 4 - 5e = 2.16; then 3 (3), whose neighbour 2 is taken; then 1 (2.16 > 2),
        // lowering 0 to 2 - e (4 - 5e); then 0.
        Picks p = GraphPruning.reverse(g, new double[] {2, 4, 5, 3}, 1, 1, 4);
        assertArrayEquals(new int[] {2, 3, 1, 0}, p.indices());
        assertArrayEquals(new double[] {5, 3, 4 - 5 * e, 2 - e * (4 - 5 * e)}, p.values(), 1e-15);
        // Equal scores: the lower index first.
        assertArrayEquals(new int[] {0, 2}, GraphPruning.reverse(g, new double[] {1, 1, 1, 1}, 1, 1, 2).indices());
    }

    @Test
    void zeroAndNegativeZeroAreATie() {
        // -0.0 == 0.0, so ties go to the lower index as for any tie (a negated score of 0 is -0.0).
        NeighbourGraph g = NeighbourGraph.build(PointSet.of(new float[] {0, 5, 10}, 3, 1), 1, Workers.inline());
        Picks p = GraphPruning.reverse(g, new double[] {-0.0, 0.0, -0.0}, 1, 1, 3);
        assertArrayEquals(new int[] {0, 1, 2}, p.indices());
    }

    @Test
    void selectIsForwardThenReverseWithTheMeanEdgeDistanceAsScale() {
        SplittableRandom r = new SplittableRandom(62);
        for (int trial = 0; trial < 10; trial++) {
            int n = 30 + r.nextInt(70);
            NeighbourGraph g = NeighbourGraph.build(NeighbourGraphTest.gaussian(n, 5, 200 + trial), 10,
                    Workers.inline());
            double[] s = scores(n, r, false, false);
            double scale = g.meanDistance();
            double[] f = forwardReference(dense(g, 1.0, scale), s);
            Picks expected = reverseReference(dense(g, 0.1, scale), f, n / 3);
            Picks got = GraphPruning.select(g, s, 1.0, 0.1, n / 3);
            assertArrayEquals(expected.indices(), got.indices());
            assertArrayEquals(expected.values(), got.values(), 1e-12);
        }
    }

    @Test
    void mergedPartSequencesEqualOneReversePassOverTheUnionOfTheParts() {
        SplittableRandom r = new SplittableRandom(63);
        for (int trial = 0; trial < 30; trial++) {
            int partsCount = 2 + trial % 2;
            int[] sizes = new int[partsCount];
            int[] offsets = new int[partsCount];
            int n = 0;
            for (int p = 0; p < partsCount; p++) {
                sizes[p] = 5 + r.nextInt(60);
                offsets[p] = n;
                n += sizes[p];
            }
            int k = 1 + r.nextInt(8);
            double gamma = trial % 3 == 0 ? 0.1 : 1;
            // Ties across parts (tenths) on even trials; some negative scores, which raise the neighbours they lower.
            double[] s = scores(n, r, trial % 2 == 0, trial % 5 == 1);
            int budget = trial % 4 == 0 ? n : 1 + r.nextInt(n);

            Dense union = Dense.of(n);
            double[][] values = new double[partsCount][];
            int[][] picks = new int[partsCount][];
            for (int p = 0; p < partsCount; p++) {
                // Parts may overlap in space: each has its own graph and its own scale.
                NeighbourGraph g = NeighbourGraph.build(NeighbourGraphTest.gaussian(sizes[p], 4, 1000L * trial + p),
                        k, Workers.inline());
                double scale = g.meanDistance();
                union.add(g, offsets[p], gamma, scale);
                Picks part = GraphPruning.reverse(g, Arrays.copyOfRange(s, offsets[p], offsets[p] + sizes[p]), gamma,
                        scale, Math.min(budget, sizes[p]));
                values[p] = part.values();
                picks[p] = part.indices();
            }
            int[][] merged = GraphPruning.merge(values, budget);
            Picks whole = reverseReference(union, s, budget);
            assertEquals(budget, merged.length);
            for (int t = 0; t < budget; t++) {
                int p = merged[t][0];
                int at = merged[t][1];
                assertEquals(whole.indices()[t], offsets[p] + picks[p][at], "trial " + trial + " pick " + t);
                assertEquals(whole.values()[t], values[p][at], 0.0);
            }
        }
    }

    @Test
    void aGraphOfFarApartClustersIsTheUnionOfTheirGraphsAndPicksLikeTheMerge() {
        // Three clusters in [0, 1)^4 shifted 10 apart: with more than k points each, no edge leaves a cluster.
        int[] sizes = {25, 40, 18};
        int n = 83;
        int d = 4;
        int k = 6;
        SplittableRandom r = new SplittableRandom(64);
        float[] all = new float[n * d];
        float[][] parts = new float[3][];
        for (int p = 0, at = 0; p < 3; p++) {
            parts[p] = new float[sizes[p] * d];
            for (int i = 0; i < sizes[p] * d; i++) {
                parts[p][i] = (float) (r.nextDouble() + (i % d == 0 ? 10 * p : 0));
            }
            System.arraycopy(parts[p], 0, all, at, parts[p].length);
            at += parts[p].length;
        }
        NeighbourGraph whole = NeighbourGraph.build(PointSet.of(all, n, d), k, Workers.inline());
        double[] s = scores(n, r, true, false);
        double scale = 0.7;
        int budget = 50;
        double[][] values = new double[3][];
        int[][] picks = new int[3][];
        for (int p = 0, offset = 0; p < 3; offset += sizes[p], p++) {
            NeighbourGraph g = NeighbourGraph.build(PointSet.of(parts[p], sizes[p], d), k, Workers.inline());
            for (int i = 0; i < sizes[p]; i++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(offset + g.neighbour(i, j), whole.neighbour(offset + i, j));
                    assertEquals(g.distance(i, j), whole.distance(offset + i, j), 1e-5f);
                }
            }
            Picks part = GraphPruning.reverse(g, Arrays.copyOfRange(s, offset, offset + sizes[p]), 0.1, scale,
                    Math.min(budget, sizes[p]));
            values[p] = part.values();
            picks[p] = part.indices().clone();
            for (int j = 0; j < picks[p].length; j++) {
                picks[p][j] += offset; // to the whole set's numbering
            }
        }
        Picks direct = GraphPruning.reverse(whole, s, 0.1, scale, budget);
        int[][] merged = GraphPruning.merge(values, budget);
        for (int t = 0; t < budget; t++) {
            assertEquals(direct.indices()[t], picks[merged[t][0]][merged[t][1]], "pick " + t);
            assertEquals(direct.values()[t], values[merged[t][0]][merged[t][1]], 1e-9);
        }
    }

    @Test
    void mergeTakesTheHighestHeadTiesToTheLowerPartAndStopsAtWhatThereIs() {
        double[][] values = {{5, 3, 3}, {4, 3}, {}};
        int[][] m = GraphPruning.merge(values, 10);
        assertEquals(5, m.length);
        assertArrayEquals(new int[] {0, 0}, m[0]);
        assertArrayEquals(new int[] {1, 0}, m[1]);
        assertArrayEquals(new int[] {0, 1}, m[2]); // 3 vs 3: part 0
        assertArrayEquals(new int[] {0, 2}, m[3]);
        assertArrayEquals(new int[] {1, 1}, m[4]);
        assertEquals(2, GraphPruning.merge(values, 2).length);
        assertEquals(0, GraphPruning.merge(new double[0][], 3).length);
        // A later pick may be worth more than an earlier one (negative scores raise neighbours): heads decide.
        int[][] up = GraphPruning.merge(new double[][] {{-1, 2}, {0}}, 3);
        assertArrayEquals(new int[] {1, 0}, up[0]);
        assertArrayEquals(new int[] {0, 0}, up[1]);
        assertArrayEquals(new int[] {0, 1}, up[2]);
    }

    @Test
    void refusesBadBudgetsNonFiniteScoresAndBadGammaOrScale() {
        NeighbourGraph g = NeighbourGraph.build(NeighbourGraphTest.gaussian(12, 3, 5), 4, Workers.inline());
        double[] s = new double[12];
        Arrays.fill(s, 1);
        assertThrows(IllegalArgumentException.class, () -> GraphPruning.reverse(g, s, 0.1, 1, 13));
        assertThrows(IllegalArgumentException.class, () -> GraphPruning.reverse(g, s, 0.1, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> GraphPruning.select(g, s, 1, 0.1, 13));
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            double[] t = s.clone();
            t[7] = bad;
            assertThrows(IllegalArgumentException.class, () -> GraphPruning.reverse(g, t, 0.1, 1, 3));
            assertThrows(IllegalArgumentException.class, () -> GraphPruning.forward(g, t, 0.1, 1));
            assertThrows(IllegalArgumentException.class, () -> GraphPruning.select(g, t, 1, 0.1, 3));
        }
        assertThrows(IllegalArgumentException.class, () -> GraphPruning.forward(g, new double[11], 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> GraphPruning.forward(g, s, -0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> GraphPruning.forward(g, s, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> GraphPruning.reverse(g, s, 0.1, Double.NaN, 2));
        // k < 1 is refused where the graph is built.
        assertThrows(IllegalArgumentException.class,
                () -> NeighbourGraph.build(NeighbourGraphTest.gaussian(12, 3, 5), 0, Workers.inline()));
        assertTrue(GraphPruning.reverse(g, s, 0.1, 1, 0).size() == 0);
    }
}
