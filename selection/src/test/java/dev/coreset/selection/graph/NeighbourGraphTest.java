package dev.coreset.selection.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NeighbourGraphTest {
    /** Gaussian points around the origin, where the kernel's zero padding points sit too. */
    static PointSet gaussian(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return PointSet.of(x, n, d);
    }

    @Test
    void neighboursAndDistancesEqualABruteForceDoublePrecisionKnn() {
        int strict = 0;
        int ranks = 0;
        long seed = 40;
        for (int n : new int[] {2, 33, 50, 65, 131, 300}) {
            for (int d : new int[] {3, 8, 20}) {
                for (int k : new int[] {1, 5, 10}) {
                    PointSet pts = gaussian(n, d, seed++);
                    NeighbourGraph g = NeighbourGraph.build(pts, k, Workers.inline());
                    int kk = Math.min(k, n - 1);
                    assertEquals(n, g.size());
                    assertEquals(kk, g.degree());
                    for (int i = 0; i < n; i++) {
                        Integer[] order = byExactDistance(pts, i);
                        Set<Integer> seen = new HashSet<>();
                        for (int j = 0; j < kk; j++) {
                            int got = g.neighbour(i, j);
                            assertNotEquals(i, got, "self is a neighbour of " + i);
                            assertTrue(got >= 0 && got < n);
                            assertTrue(seen.add(got), "repeated neighbour of " + i);
                            double exact = dist(pts, i, order[j]);
                            double tol = tolerance(pts, i, order[j]);
                            // The kernel's distance is the rank-j distance, and so is the true distance of its pick.
                            assertEquals(exact, g.distance(i, j), tol, "distance " + j + " of " + i);
                            assertEquals(exact, dist(pts, i, got), 2 * tol, "neighbour " + j + " of " + i);
                            if (j > 0) {
                                assertTrue(g.distance(i, j - 1) <= g.distance(i, j), "not nearest first");
                            }
                            // Without a near-tie around rank j the neighbour itself is determined.
                            boolean clearBelow = j == 0 || exact - dist(pts, i, order[j - 1]) > 4 * tol;
                            boolean clearAbove = j + 1 >= order.length || dist(pts, i, order[j + 1]) - exact > 4 * tol;
                            if (clearBelow && clearAbove) {
                                assertEquals(order[j], got, "neighbour " + j + " of " + i);
                                strict++;
                            }
                            ranks++;
                        }
                    }
                }
            }
        }
        // Near-ties are rare in Gaussian data: nearly every rank was checked by index.
        assertTrue(strict > 0.95 * ranks, strict + " of " + ranks);
    }

    @Test
    void exactTiesGoToTheLowerIndexAndDuplicatesAreNeighboursButSelfNeverIs() {
        // Ten points on a line at x = 0..9, then a copy of point 3 (index 10); small integers are exact in floats.
        int n = 11;
        float[] x = new float[n * 2];
        for (int i = 0; i < 10; i++) {
            x[2 * i] = i;
        }
        x[20] = 3;
        PointSet pts = PointSet.of(x, n, 2);
        NeighbourGraph g = NeighbourGraph.build(pts, 4, Workers.inline());
        // Point 5: 4 and 6 at distance 1, then 3 and 7 at 2; the copy of 3 (index 10) is also at 2 but comes after.
        assertArrayEquals(new int[] {4, 6, 3, 7}, neighbours(g, 5));
        assertArrayEquals(new float[] {1, 1, 2, 2}, distances(g, 5));
        // Point 3 and its copy: each other's nearest at 0, then 2 and 4 at 1.
        assertArrayEquals(new int[] {10, 2, 4, 1}, neighbours(g, 3));
        assertArrayEquals(new int[] {3, 2, 4, 1}, neighbours(g, 10));
        assertEquals(0f, g.distance(3, 0));
        assertArrayEquals(new int[] {1, 2, 3, 10}, neighbours(g, 0));
        assertArrayEquals(new float[] {1, 2, 3, 3}, distances(g, 0));
    }

    @Test
    void identicalPointsAreAllAtZeroAndSelfIsStillExcluded() {
        int n = 40;
        float[] x = new float[n * 3];
        Arrays.fill(x, 1.5f);
        NeighbourGraph g = NeighbourGraph.build(PointSet.of(x, n, 3), 3, Workers.inline());
        for (int i = 0; i < n; i++) {
            int[] expected = new int[3];
            for (int j = 0, v = 0; j < 3; v++) {
                if (v != i) {
                    expected[j++] = v;
                }
            }
            assertArrayEquals(expected, neighbours(g, i), "node " + i);
            assertArrayEquals(new float[3], distances(g, i));
        }
        assertEquals(1.0, g.meanDistance()); // every edge 0: the scale falls back to 1
    }

    @Test
    void fewerThanKOtherPointsGiveDegreeNMinusOne() {
        PointSet pts = gaussian(5, 4, 1);
        NeighbourGraph g = NeighbourGraph.build(pts, 10, Workers.inline());
        assertEquals(4, g.degree());
        for (int i = 0; i < 5; i++) {
            int[] nb = neighbours(g, i).clone();
            Arrays.sort(nb);
            int[] others = new int[4];
            for (int j = 0, v = 0; v < 5; v++) {
                if (v != i) {
                    others[j++] = v;
                }
            }
            assertArrayEquals(others, nb);
        }
        assertEquals(0, NeighbourGraph.build(gaussian(1, 4, 2), 10, Workers.inline()).degree());
        NeighbourGraph empty = NeighbourGraph.build(PointSet.of(new float[0], 0, 4), 3, Workers.inline());
        assertEquals(0, empty.size());
        assertEquals(1.0, empty.meanDistance());
    }

    @Test
    void meanDistanceIsTheMeanOverEveryEdge() {
        PointSet pts = gaussian(70, 6, 3);
        NeighbourGraph g = NeighbourGraph.build(pts, 7, Workers.inline());
        double s = 0;
        for (int i = 0; i < 70; i++) {
            for (int j = 0; j < 7; j++) {
                s += g.distance(i, j);
            }
        }
        assertEquals(s / (70 * 7), g.meanDistance(), 1e-12);
    }

    @Test
    void twoThreadsBuildTheSameGraphAsOne() {
        for (int n : new int[] {64, 257, 300}) {
            PointSet pts = gaussian(n, 9, 50 + n);
            NeighbourGraph one = NeighbourGraph.build(pts, 10, Workers.inline());
            try (Workers two = Workers.create(2)) {
                NeighbourGraph g = NeighbourGraph.build(pts, 10, two);
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(neighbours(one, i), neighbours(g, i));
                    assertArrayEquals(distances(one, i), distances(g, i)); // bit for bit
                }
            }
        }
    }

    @Test
    void refusesKBelowOne() {
        PointSet pts = gaussian(10, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> NeighbourGraph.build(pts, 0, Workers.inline()));
        assertThrows(IllegalArgumentException.class, () -> NeighbourGraph.build(pts, -2, Workers.inline()));
    }

    static int[] neighbours(NeighbourGraph g, int i) {
        int[] out = new int[g.degree()];
        for (int j = 0; j < out.length; j++) {
            out[j] = g.neighbour(i, j);
        }
        return out;
    }

    static float[] distances(NeighbourGraph g, int i) {
        float[] out = new float[g.degree()];
        for (int j = 0; j < out.length; j++) {
            out[j] = g.distance(i, j);
        }
        return out;
    }

    /** Every other point by (exact distance, index). */
    private static Integer[] byExactDistance(PointSet pts, int i) {
        Integer[] order = new Integer[pts.size() - 1];
        for (int j = 0, v = 0; v < pts.size(); v++) {
            if (v != i) {
                order[j++] = v;
            }
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(v -> dist(pts, i, v)).thenComparingInt(v -> v));
        return order;
    }

    private static double dist(PointSet pts, int i, int j) {
        double s = 0;
        float[] x = pts.rows();
        int d = pts.dim();
        for (int t = 0; t < d; t++) {
            double diff = (double) x[i * d + t] - x[j * d + t];
            s += diff * diff;
        }
        return Math.sqrt(s);
    }

    /**
     * The float kernel computes |a|^2 + |b|^2 - 2ab, whose error is relative to the norms rather than the distance:
     * allow e = 1e-6 (|a|^2 + |b|^2) (some 16 float ulps) on the squared distance, which moves the distance by at
     * most e / (dist + sqrt(e)), besides 1e-4 relative.
     */
    private static double tolerance(PointSet pts, int i, int j) {
        double e = 1e-6 * (pts.sqNorms()[i] + pts.sqNorms()[j]);
        double d = dist(pts, i, j);
        return 1e-4 * d + e / (d + Math.sqrt(e));
    }
}
