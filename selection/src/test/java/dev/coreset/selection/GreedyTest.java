package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.assign.Objectives;
import dev.coreset.selection.data.GaussianMixture;
import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.SetFunction;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.optimize.LazyGreedy;
import dev.coreset.selection.optimize.NaiveGreedy;
import dev.coreset.selection.optimize.SelectionResult;
import dev.coreset.selection.optimize.StochasticGreedy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GreedyTest {
    static List<Similarity> similarities() {
        return List.of(Similarity.euclidean(), Similarity.cosine(), Similarity.rbf());
    }

    @ParameterizedTest
    @MethodSource("similarities")
    void lazyEqualsNaiveExactly(Similarity sim) {
        for (long seed = 1; seed <= 4; seed++) {
            // n > group size so pruning and the memo are exercised; duplicates make exact ties.
            PointSet pts = seed % 2 == 0 ? TestData.random(300, 5, seed, true)
                    : PointSet.of(GaussianMixture.generate(1000, 8, 4, 3.0, seed).points(), 1000, 8);
            SelectionResult naive = new NaiveGreedy().maximize(new FacilityLocation(pts, sim), 25);
            for (int batch : new int[] {1, 8}) {
                SelectionResult lazy = new LazyGreedy(batch).maximize(new FacilityLocation(pts, sim), 25);
                assertArrayEquals(naive.indices(), lazy.indices(), sim + " seed " + seed + " batch " + batch);
                assertArrayEquals(naive.gains(), lazy.gains(), 0.0);
            }
        }
    }

    @Test
    void lazyEqualsNaiveWithThreadsAndOnTiesToLowestIndex() {
        // All points identical: every gain ties, greedy must take 0, 1, 2, ...
        float[] same = new float[20 * 3];
        java.util.Arrays.fill(same, 1f);
        PointSet tie = PointSet.of(same, 20, 3);
        SelectionResult r = new LazyGreedy().maximize(new FacilityLocation(tie, Similarity.euclidean(1.0)), 3);
        assertArrayEquals(new int[] {0, 1, 2}, r.indices());
        PointSet pts = PointSet.of(GaussianMixture.generate(900, 16, 5, 3.0, 9).points(), 900, 16);
        try (Workers w = Workers.create(2)) {
            SelectionResult a = new LazyGreedy().maximize(new FacilityLocation(pts, Similarity.euclidean(), 1 << 20, w), 40);
            SelectionResult b = new NaiveGreedy().maximize(new FacilityLocation(pts, Similarity.euclidean()), 40);
            assertArrayEquals(b.indices(), a.indices());
        }
    }

    @Test
    void gainsMatchADoublePrecisionReference() {
        PointSet pts = TestData.random(60, 4, 3, false);
        FacilityLocation f = new FacilityLocation(pts, Similarity.euclidean());
        double c = f.parameter();
        SelectionResult r = new NaiveGreedy().maximize(f, 5);
        double ref = 0;
        for (int i = 0; i < 60; i++) {
            double best = 0;
            for (int s : r.indices()) best = Math.max(best, c - TestData.dist(pts, i, s));
            ref += best;
        }
        assertEquals(ref, r.objective(), 1e-3 * ref);
        assertEquals(ref, f.evaluate(r.indices()), 1e-3 * ref);
        double sumGains = 0;
        for (double g : r.gains()) sumGains += g;
        assertEquals(ref, sumGains, 1e-3 * ref);
    }

    @ParameterizedTest
    @MethodSource("similarities")
    void greedyReachesOneMinusOneOverEOfBruteForce(Similarity sim) {
        for (long seed = 10; seed < 16; seed++) {
            int n = 12;
            PointSet pts = TestData.random(n, 3, seed, false);
            for (int k = 1; k <= 3; k++) {
                SetFunction f = new FacilityLocation(pts, sim);
                double greedy = new LazyGreedy().maximize(f, k).objective();
                double opt = bruteForce(f, n, k);
                assertTrue(greedy >= (1 - 1 / Math.E) * opt - 1e-6, sim + " k=" + k + ": " + greedy + " vs " + opt);
                assertTrue(greedy <= opt + 1e-3 * Math.abs(opt), "greedy cannot beat the optimum");
            }
        }
    }

    private static double bruteForce(SetFunction f, int n, int k) {
        double best = Double.NEGATIVE_INFINITY;
        for (int mask = 0; mask < (1 << n); mask++) {
            if (Integer.bitCount(mask) != k) continue;
            int[] s = new int[k];
            int j = 0;
            for (int i = 0; i < n; i++) if ((mask & (1 << i)) != 0) s[j++] = i;
            best = Math.max(best, f.evaluate(s));
        }
        return best;
    }

    @Test
    void stochasticGreedyCostWithinFivePercentOfLazy() {
        int n = 10_000;
        int d = 16;
        GaussianMixture g = GaussianMixture.generate(n, d, 10, 3.0, 5);
        PointSet pts = PointSet.of(g.points(), n, d);
        int k = 200;
        try (Workers w = Workers.create(0)) {
            SelectionResult lazy = new LazyGreedy().maximize(new FacilityLocation(pts, Similarity.euclidean(), 64 << 20, w), k);
            SelectionResult sto = new StochasticGreedy(0.1, 7).maximize(
                    new FacilityLocation(pts, Similarity.euclidean(), 64 << 20, w), k);
            double cl = Objectives.kMedoidCost(pts, lazy.indices());
            double cs = Objectives.kMedoidCost(pts, sto.indices());
            assertTrue(cs <= 1.05 * cl, "stochastic " + cs + " vs lazy " + cl);
            assertEquals(k, java.util.Arrays.stream(sto.indices()).distinct().count());
        }
    }

    @Test
    void stochasticGreedyIsDeterministicForASeedAndEqualsThePlainSampleArgmax() {
        PointSet pts = TestData.random(400, 6, 21, true);
        SelectionResult a = new StochasticGreedy(0.05, 3).maximize(new FacilityLocation(pts, Similarity.euclidean()), 30);
        SelectionResult b = new StochasticGreedy(0.05, 3).maximize(new FacilityLocation(pts, Similarity.euclidean()), 30);
        assertEquals(a, b);
        // Without initial bounds and with batch 1 the sample evaluation order differs; the picks must not.
        SelectionResult c = new StochasticGreedy(0.05, 3, false, 1).maximize(
                new FacilityLocation(pts, Similarity.euclidean()), 30);
        assertArrayEquals(a.indices(), c.indices());
        SelectionResult other = new StochasticGreedy(0.05, 4).maximize(new FacilityLocation(pts, Similarity.euclidean()), 30);
        assertTrue(!java.util.Arrays.equals(a.indices(), other.indices()), "another seed should give another sample");
    }
}
