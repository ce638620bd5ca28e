package dev.coreset.selection.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.sample.CoverageSampling.Result;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CoverageSamplingTest {
    /** {@link HardCutTest#SCORES}: with beta 0.25 and budget 7, samples 1, 4 and 2 are cut; kept range [0, 5]. */
    private static final double[] SCORES = HardCutTest.SCORES;

    /*
     * Worked by hand for K = 5 (width 1) over the kept [0, 5]:
     *   0: [0, 1)  8, 9, 11, 5      1: [1, 2)  6      2: [2, 3)  10      3: [3, 4)  0      4: [4, 5]  7, 3
     * and K = 10 (width 0.5):
     *   0: 8, 9, 11   1: 5   2: 6   4: 10   6: 0   9: 7, 3   (3, 5, 7, 8 empty)
     */
    private static final int[] STRATUM_K5 = {3, -1, -1, 4, -1, 0, 1, 4, 0, 0, 2, 0};
    private static final int[] STRATUM_K10 = {6, -1, -1, 9, -1, 1, 2, 9, 0, 0, 4, 0};

    @Test
    void equalWidthStrataOfTheKeptRangeWithTheTopEdgeInTheLast() {
        Result r = CoverageSampling.select(SCORES, 7, 0.25, 5, 1);
        assertEquals(3, r.dropped());
        assertEquals(0.0, r.low());
        assertEquals(5.0, r.high());
        assertArrayEquals(new int[] {4, 1, 1, 1, 2}, r.sizes());
        for (int i = 0; i < SCORES.length; i++) {
            if (STRATUM_K5[i] >= 0) {
                assertEquals(STRATUM_K5[i], CoverageSampling.stratum(SCORES[i], 0, 5, 5), "sample " + i);
                assertEquals(STRATUM_K10[i], CoverageSampling.stratum(SCORES[i], 0, 5, 10), "sample " + i);
            }
        }
        // Boundaries belong to the stratum above; the top edge to the last; outside the range clamps.
        assertEquals(2, CoverageSampling.stratum(2.0, 0, 5, 5));
        assertEquals(4, CoverageSampling.stratum(5.0, 0, 5, 5));
        assertEquals(0, CoverageSampling.stratum(-1.0, 0, 5, 5));
        assertEquals(4, CoverageSampling.stratum(7.0, 0, 5, 5));
        // A single score value: one stratum.
        assertEquals(0, CoverageSampling.stratum(3.0, 3, 3, 5));
    }

    @Test
    void budgetPerStratumFollowsTheSmallestFirstRuleWorkedByHand() {
        // K = 5, sizes {4, 1, 1, 1, 2}, budget 7: the three singletons take 1 each (7/5, 6/4, 5/3 floor to 1),
        // stratum 4 takes min(2, 4/2) = 2, stratum 0 the 2 left. Equal shares would be 1.4 each.
        Result r = CoverageSampling.select(SCORES, 7, 0.25, 5, 1);
        assertArrayEquals(new int[] {2, 1, 1, 1, 2}, r.budgets());
        checkPicks(r, SCORES, STRATUM_K5, 7);

        // K = 10: sizes {3, 1, 1, 0, 1, 0, 1, 0, 0, 2}; six non-empty strata. The four singletons take 1 each,
        // stratum 9 then gets min(2, 3/2) = 1 and the largest, stratum 0, the remaining 2 of its 3.
        Result r10 = CoverageSampling.select(SCORES, 7, 0.25, 10, 1);
        assertArrayEquals(new int[] {3, 1, 1, 0, 1, 0, 1, 0, 0, 2}, r10.sizes());
        assertArrayEquals(new int[] {2, 1, 1, 0, 1, 0, 1, 0, 0, 1}, r10.budgets());
        checkPicks(r10, SCORES, STRATUM_K10, 7);
        // Singleton strata with a budget are always picked.
        Set<Integer> picked = set(r10.indices());
        assertTrue(picked.containsAll(List.of(5, 6, 10, 0)));
    }

    @Test
    void allocateGivesSmallStrataTheirSizeAndTheirUnusedShareToLargerOnes() {
        // Non-empty strata visited 0, 1 (size 1), 4 (size 4), 2 (size 6): shares 9/4 -> 1, 8/3 -> 1, 7/2 -> 3, 4.
        assertArrayEquals(new int[] {1, 1, 4, 0, 3}, CoverageSampling.allocate(new int[] {1, 1, 6, 0, 4}, 9));
        // Ties in size are visited by stratum index: the first gets the rounded-down share.
        assertArrayEquals(new int[] {2, 2, 3}, CoverageSampling.allocate(new int[] {3, 3, 3}, 7));
        assertArrayEquals(new int[] {3, 3, 3}, CoverageSampling.allocate(new int[] {3, 3, 3}, 9));
        assertArrayEquals(new int[] {0, 0, 0}, CoverageSampling.allocate(new int[] {3, 0, 3}, 0));
        // More budget than samples: everything, never more than a stratum holds.
        assertArrayEquals(new int[] {1, 2, 0}, CoverageSampling.allocate(new int[] {1, 2, 0}, 10));
        assertArrayEquals(new int[0], CoverageSampling.allocate(new int[0], 3));
    }

    @Test
    void allocateMatchesTheRuleOnRandomSizes() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int trial = 0; trial < 2000; trial++) {
            int[] sizes = new int[1 + rnd.nextInt(12)];
            int total = 0;
            for (int s = 0; s < sizes.length; s++) {
                sizes[s] = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(30);
                total += sizes[s];
            }
            int budget = rnd.nextInt(total + 5);
            int[] got = CoverageSampling.allocate(sizes, budget);
            assertArrayEquals(allocateReference(sizes, budget), got, Arrays.toString(sizes) + " " + budget);
            assertEquals(Math.min(budget, total), Arrays.stream(got).sum());
            for (int s = 0; s < sizes.length; s++) {
                assertTrue(got[s] >= 0 && got[s] <= sizes[s]);
            }
        }
    }

    @Test
    void aBudgetTheCutCannotLeaveKeepsTheHardSamplesAndTakesEverything() {
        // Budget 10 of 12: only samples 1 and 4 go, 2 (score 0) stays in stratum 0.
        Result r = CoverageSampling.select(SCORES, 10, 0.25, 5, 3);
        assertEquals(2, r.dropped());
        assertArrayEquals(new int[] {5, 1, 1, 1, 2}, r.sizes());
        assertArrayEquals(r.sizes(), r.budgets());
        int[] sorted = r.indices().clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 2, 3, 5, 6, 7, 8, 9, 10, 11}, sorted);
    }

    @Test
    void picksAreDistinctKeptInTheirStratumAndSumToTheBudgetOnRandomScores() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(200);
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                // Some repeated values, so ties at the cut and inside strata occur.
                s[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(5) : rnd.nextGaussian();
            }
            int budget = rnd.nextInt(n + 1);
            int tenths = rnd.nextInt(10);
            double beta = tenths / 10.0;
            int strata = 1 + rnd.nextInt(60);
            Result r = CoverageSampling.select(s, budget, beta, strata, rnd.nextLong());

            int cut = Math.min(tenths * n / 10, n - budget); // floor(beta n) in integers
            assertEquals(cut, r.dropped());
            int[] order = HardCut.hardestFirst(s);
            int[] expectedStratum = new int[n];
            Arrays.fill(expectedStratum, -1);
            double low = s[order[cut]];
            double high = s[order[n - 1]];
            assertEquals(low, r.low());
            assertEquals(high, r.high());
            int[] sizes = new int[strata];
            for (int j = cut; j < n; j++) {
                // Independent stratum: the largest k with low + k * width <= score, capped at K - 1.
                double width = (high - low) / strata;
                int k = 0;
                while (k + 1 < strata && width > 0 && s[order[j]] - low >= (k + 1) * width) {
                    k++;
                }
                expectedStratum[order[j]] = k;
                sizes[k]++;
            }
            assertArrayEquals(sizes, r.sizes());
            assertArrayEquals(allocateReference(sizes, budget), r.budgets());
            checkPicks(r, s, expectedStratum, budget);
        }
    }

    @Test
    void sameSeedSamePicksAnotherSeedOtherPicks() {
        Result a = CoverageSampling.select(SCORES, 7, 0.25, 10, 42);
        Result b = CoverageSampling.select(SCORES, 7, 0.25, 10, 42);
        assertArrayEquals(a.indices(), b.indices());
        assertArrayEquals(a.strata(), b.strata());
        // 12 equally likely draw orders (stratum 0: 3 x 2, stratum 9: 2): ten other seeds cannot all repeat it.
        int differ = 0;
        for (long seed = 1; seed <= 10; seed++) {
            if (!Arrays.equals(a.indices(), CoverageSampling.select(SCORES, 7, 0.25, 10, seed).indices())) {
                differ++;
            }
        }
        assertTrue(differ >= 5, "only " + differ + " of 10 seeds gave other picks");
    }

    @Test
    void drawsInsideAStratumAreUniform() {
        // Two strata of 8 samples each (scores 0..7 and 100..107, K = 2), budget 6: 3 from each.
        double[] s = new double[16];
        for (int i = 0; i < 8; i++) {
            s[i] = i;
            s[8 + i] = 100 + i;
        }
        int runs = 4000;
        int[] included = new int[16];
        int[] first = new int[16];
        for (int seed = 0; seed < runs; seed++) {
            Result r = CoverageSampling.select(s, 6, 0, 2, seed);
            assertArrayEquals(new int[] {3, 3}, r.budgets());
            for (int j : r.indices()) {
                included[j]++;
            }
            first[r.indices()[0]]++; // stratum 0's first draw
            first[r.indices()[3]]++; // stratum 1's first draw
        }
        // Inclusion ~ Binomial(runs, 3/8), first draw ~ Binomial(runs, 1/8); 5 standard deviations never flake.
        for (int i = 0; i < 16; i++) {
            assertWithin(included[i], runs, 3.0 / 8, "inclusion of " + i);
            assertWithin(first[i], runs, 1.0 / 8, "first draw of " + i);
        }
    }

    @Test
    void emptyAndZeroBudgetCases() {
        Result none = CoverageSampling.select(SCORES, 0, 0.25, 5, 1);
        assertEquals(0, none.indices().length);
        assertEquals(3, none.dropped());
        Result empty = CoverageSampling.select(new double[0], 0, 0.5, 4, 1);
        assertEquals(0, empty.indices().length);
        assertEquals(4, empty.sizes().length);
        // One stratum: a plain uniform draw of the kept samples.
        Result one = CoverageSampling.select(SCORES, 9, 0.25, 1, 5);
        assertEquals(set(HardCut.kept(SCORES, 0.25, 9)), set(one.indices()));
    }

    @Test
    void refusesBadBetaStrataAndBudget() {
        assertThrows(IllegalArgumentException.class, () -> CoverageSampling.select(SCORES, 5, 1.0, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> CoverageSampling.select(SCORES, 5, -0.1, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> CoverageSampling.select(SCORES, 5, Double.NaN, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> CoverageSampling.select(SCORES, 5, 0.2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> CoverageSampling.select(SCORES, 13, 0.2, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> CoverageSampling.select(new double[] {1, Double.NaN}, 1,
                0.2, 5, 1));
    }

    /** Every pick distinct, kept, in the stratum the test expects, grouped by ascending stratum; total = budget. */
    private static void checkPicks(Result r, double[] scores, int[] expectedStratum, int budget) {
        assertEquals(budget, r.indices().length);
        assertEquals(budget, r.strata().length);
        assertEquals(budget, Arrays.stream(r.budgets()).sum());
        assertEquals(budget, set(r.indices()).size(), "picks are not distinct");
        int[] perStratum = new int[r.budgets().length];
        for (int j = 0; j < budget; j++) {
            int i = r.indices()[j];
            assertTrue(expectedStratum[i] >= 0, "sample " + i + " was cut");
            assertEquals(expectedStratum[i], r.strata()[j], "stratum of sample " + i);
            assertEquals(CoverageSampling.stratum(scores[i], r.low(), r.high(), r.budgets().length), r.strata()[j]);
            if (j > 0) {
                assertTrue(r.strata()[j - 1] <= r.strata()[j], "picks not grouped by stratum");
            }
            perStratum[r.strata()[j]]++;
        }
        assertArrayEquals(r.budgets(), perStratum);
    }

    /** CCS's rule written out: repeatedly the smallest unvisited non-empty stratum takes min(size, left / count). */
    private static int[] allocateReference(int[] sizes, int budget) {
        int k = sizes.length;
        int[] out = new int[k];
        boolean[] visited = new boolean[k];
        int left = budget;
        int strataLeft = 0;
        for (int size : sizes) {
            strataLeft += size > 0 ? 1 : 0;
        }
        while (strataLeft > 0) {
            int best = -1;
            for (int s = 0; s < k; s++) {
                if (!visited[s] && sizes[s] > 0 && (best < 0 || sizes[s] < sizes[best])) {
                    best = s;
                }
            }
            visited[best] = true;
            out[best] = Math.min(sizes[best], left / strataLeft);
            left -= out[best];
            strataLeft--;
        }
        // What rounding left goes, smallest stratum first, to strata with room.
        for (int pass = 0; pass < k && left > 0; pass++) {
            int best = -1;
            for (int s = 0; s < k; s++) {
                if (out[s] < sizes[s] && (best < 0 || sizes[s] < sizes[best])) {
                    best = s;
                }
            }
            if (best < 0) {
                break;
            }
            int more = Math.min(sizes[best] - out[best], left);
            out[best] += more;
            left -= more;
        }
        return out;
    }

    private static void assertWithin(int count, int runs, double p, String what) {
        double mean = runs * p;
        double sd = Math.sqrt(runs * p * (1 - p));
        assertTrue(Math.abs(count - mean) <= 5 * sd, what + ": " + count + " vs " + mean + " +- " + sd);
        assertFalse(count == 0, what + " never drawn");
    }

    private static Set<Integer> set(int[] a) {
        Set<Integer> s = new HashSet<>();
        for (int v : a) {
            s.add(v);
        }
        return s;
    }
}
