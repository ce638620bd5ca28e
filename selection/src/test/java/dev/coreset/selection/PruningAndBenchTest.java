package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.bench.BenchResult;
import dev.coreset.selection.bench.SelectionKernelBench;
import dev.coreset.selection.data.GaussianMixture;
import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.PointGroups;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.optimize.LazyGreedy;
import dev.coreset.selection.optimize.NaiveGreedy;
import dev.coreset.selection.optimize.SelectionResult;
import org.junit.jupiter.api.Test;

class PruningAndBenchTest {
    @Test
    void groupPruningAndMemoDoNotChangeThePicks() {
        GaussianMixture g = GaussianMixture.generate(3000, 12, 6, 3.0, 2);
        PointSet pts = PointSet.of(g.points(), g.n(), g.d());
        for (Similarity sim : new Similarity[] {Similarity.euclidean(), Similarity.rbf()}) {
            FacilityLocation pruned = new FacilityLocation(pts, sim);
            // A 1-byte memo bound forces a single group: no pruning at all.
            FacilityLocation plain = new FacilityLocation(pts, sim, 1, Workers.inline());
            assertTrue(pruned.groupCount() > 1);
            assertEquals(1, plain.groupCount());
            SelectionResult a = new LazyGreedy().maximize(pruned, 60);
            SelectionResult b = new LazyGreedy().maximize(plain, 60);
            assertArrayEquals(b.indices(), a.indices(), sim.toString());
            assertEquals(b.objective(), a.objective(), 1e-6 * b.objective());
            assertTrue(pruned.pairsComputed() < plain.pairsComputed(), "pruning should save work");
        }
    }

    @Test
    void symmetricAllGainsPassHasTheBitsOfSingleEvaluations() {
        // 2 threads and groups of ~192: gainsOfAll takes the pair-of-groups path, before and after picks.
        GaussianMixture g = GaussianMixture.generate(2500, 10, 5, 3.0, 8);
        PointSet pts = PointSet.of(g.points(), g.n(), g.d());
        try (Workers w = Workers.create(2)) {
            for (Similarity sim : new Similarity[] {Similarity.euclidean(), Similarity.rbf(), Similarity.cosine()}) {
                FacilityLocation all = new FacilityLocation(pts, sim, 64 << 20, w);
                FacilityLocation one = new FacilityLocation(pts, sim, 64 << 20, Workers.inline());
                for (int pick : new int[] {-1, 17, 1200, 2499}) {
                    if (pick >= 0) {
                        all.add(pick);
                        one.add(pick);
                    }
                    double[] a = new double[pts.size()];
                    all.gainsOfAll(a);
                    for (int c = 0; c < pts.size(); c++) {
                        assertEquals(Double.doubleToLongBits(one.gain(c)), Double.doubleToLongBits(a[c]),
                                sim + " candidate " + c + " after pick " + pick);
                    }
                }
                if (sim.kind() != Similarity.Kind.COSINE) {
                    assertTrue(all.groupCount() > 1);
                }
            }
        }
    }

    @Test
    void speculativeFirstPassGivesTheSameBitsAndSavesThePassAfterTheBestPick() {
        GaussianMixture g = GaussianMixture.generate(3000, 12, 6, 3.0, 5);
        PointSet pts = PointSet.of(g.points(), g.n(), g.d());
        int n = pts.size();
        for (Similarity sim : new Similarity[] {Similarity.euclidean(), Similarity.rbf()}) {
            FacilityLocation spec = new FacilityLocation(pts, sim);
            FacilityLocation plain = new FacilityLocation(pts, sim);
            double[] a = new double[n];
            double[] b = new double[n];
            spec.gainsOfAllBeforeBest(a);
            plain.gains(all(n), n, b);
            assertBits(b, a, sim + " empty set");
            int best = 0;
            for (int c = 1; c < n; c++) if (a[c] > a[best]) best = c;
            spec.add(best);
            plain.add(best);
            assertEquals(1, spec.speculationHits(), sim + ": the guess should be the first pick");
            long before = spec.pairsComputed();
            spec.gainsOfAll(a);
            assertEquals(before, spec.pairsComputed(), sim + ": the committed memo should need no kernel");
            plain.gains(all(n), n, b);
            assertBits(b, a, sim + " after the first pick");
            // Later picks read the committed entries (and their positive counts) like any other.
            java.util.List<Integer> picks = new java.util.ArrayList<>(java.util.List.of(best));
            for (int pick : new int[] {17, 2999, 1200}) {
                spec.add(pick);
                picks.add(pick);
                spec.gains(all(n), n, a);
                FacilityLocation fresh = new FacilityLocation(pts, sim);
                for (int c : picks) fresh.add(c);
                fresh.gains(all(n), n, b);
                assertBits(b, a, sim + " after pick " + pick);
            }
        }
    }

    @Test
    void aMissedGuessOrAnotherCallLeavesNoStaleMemo() {
        GaussianMixture g = GaussianMixture.generate(2600, 10, 5, 3.0, 6);
        PointSet pts = PointSet.of(g.points(), g.n(), g.d());
        int n = pts.size();
        double[] a = new double[n];
        double[] b = new double[n];
        // A pick other than the guess, and a gains() call between the pass and the best pick.
        FacilityLocation other = new FacilityLocation(pts, Similarity.euclidean());
        other.gainsOfAllBeforeBest(a);
        int best = 0;
        for (int c = 1; c < n; c++) if (a[c] > a[best]) best = c;
        int notBest = best == 0 ? 1 : 0;
        other.add(notBest);
        FacilityLocation interrupted = new FacilityLocation(pts, Similarity.euclidean());
        interrupted.gainsOfAllBeforeBest(a);
        interrupted.gains(new int[] {5, 6}, 2, new double[2]);
        interrupted.add(best);
        assertEquals(0, other.speculationHits());
        assertEquals(0, interrupted.speculationHits());
        for (int[] set : new int[][] {{notBest}, {best}}) {
            FacilityLocation f = set[0] == notBest ? other : interrupted;
            FacilityLocation fresh = new FacilityLocation(pts, Similarity.euclidean());
            fresh.add(set[0]);
            f.gainsOfAll(a);
            fresh.gains(all(n), n, b);
            assertBits(b, a, "after adding " + set[0]);
        }
        SelectionResult lazy = new LazyGreedy().maximize(new FacilityLocation(pts, Similarity.rbf()), 20);
        SelectionResult naive = new NaiveGreedy().maximize(new FacilityLocation(pts, Similarity.rbf()), 20);
        assertArrayEquals(naive.indices(), lazy.indices());
        assertArrayEquals(naive.gains(), lazy.gains(), 0.0);
    }

    @Test
    void groupsOfSeveralSumBlocksKeepTheSymmetricAndSpeculativePasses() {
        // Two dense regions of 2,100 and 1,030 points (three sum blocks with a tail; one block and a tail-only chunk),
        // as the near-zero gradients of well-learnt samples make, beside 1,500 blob points.
        PointSet pts = denseRegions(new int[] {2100, 1030}, 1500);
        int n = pts.size();
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        PointGroups groups = PointGroups.build(pts, 192, Workers.inline());
        for (int g = 0; g < groups.count(); g++) sizes.add(groups.end(g) - groups.start(g));
        assertTrue(sizes.contains(2100) && sizes.contains(1030), sizes.toString());
        try (Workers w = Workers.create(2)) {
            for (Similarity sim : new Similarity[] {Similarity.euclidean(), Similarity.rbf()}) {
                long memo = FacilityLocation.DEFAULT_MEMO_BYTES;
                FacilityLocation spec = new FacilityLocation(pts, sim, memo, w);
                FacilityLocation one = new FacilityLocation(pts, sim, memo, Workers.inline());
                assertEquals(2100, spec.largestGroup());
                double[] a = new double[n];
                double[] b = new double[n];
                spec.gainsOfAllBeforeBest(a);
                // The pass over pairs of groups computes each pair of points once, (n^2 + sum of squared group
                // sizes) / 2 plus the guess's sample (0.69 n^2 here); full rows would be n^2.
                assertTrue(spec.pairsComputed() < 0.8 * n * (double) n, sim + ": " + spec.pairsComputed() + " pairs");
                one.gains(all(n), n, b);
                assertBits(b, a, sim + " empty set");
                int best = 0;
                for (int c = 1; c < n; c++) if (a[c] > a[best]) best = c;
                java.util.List<Integer> picks = new java.util.ArrayList<>();
                for (int pick : new int[] {best, 17, n - 1, 2500}) {
                    spec.add(pick);
                    picks.add(pick);
                    spec.gainsOfAll(a);
                    FacilityLocation fresh = new FacilityLocation(pts, sim);
                    for (int c : picks) fresh.add(c);
                    for (int c = 0; c < n; c++) b[c] = fresh.gain(c);
                    assertBits(b, a, sim + " after pick " + pick);
                }
                assertEquals(1, spec.speculationHits(), sim + ": the guess should be the first pick");
                SelectionResult lazy = new LazyGreedy().maximize(new FacilityLocation(pts, sim, memo, w), 40);
                SelectionResult naive = new NaiveGreedy().maximize(new FacilityLocation(pts, sim), 40);
                assertArrayEquals(naive.indices(), lazy.indices(), sim.toString());
                assertArrayEquals(naive.gains(), lazy.gains(), 0.0, sim.toString());
            }
        }
    }

    /**
     * Dense regions of the given sizes (points within 0.01 of a center 50 apart) and {@code blob} points of 4 blobs
     * far from them, laid out so that each region holds exactly one of the rows PointGroups starts its k-means from
     * (rows j n / g, g = n / 192): each region becomes one group of exactly its size.
     */
    private static PointSet denseRegions(int[] regions, int blob) {
        int d = 8;
        int n = blob;
        for (int r : regions) n += r;
        int g = n / 192;
        java.util.Set<Integer> starts = new java.util.TreeSet<>();
        for (int j = 0; j < g; j++) starts.add((int) ((long) j * n / g));
        int[] regionOf = new int[n];
        java.util.Arrays.fill(regionOf, -1);
        java.util.Iterator<Integer> startRows = starts.iterator();
        int free = 0;
        for (int r = 0; r < regions.length; r++) {
            regionOf[startRows.next()] = r;
            for (int left = regions[r] - 1; left > 0; free++) {
                if (!starts.contains(free) && regionOf[free] < 0) {
                    regionOf[free] = r;
                    left--;
                }
            }
        }
        java.util.Random rnd = new java.util.Random(11);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                x[i * d + t] = regionOf[i] >= 0
                        ? (t == 0 ? 50f * (regionOf[i] + 1) : 0f) + 0.01f * (float) rnd.nextGaussian()
                        : (t == 1 ? -50f + 10f * (i % 4) : 0f) + (float) rnd.nextGaussian();
            }
        }
        return PointSet.of(x, n, d);
    }

    private static int[] all(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = i;
        return out;
    }

    private static void assertBits(double[] expected, double[] actual, String what) {
        for (int c = 0; c < expected.length; c++) {
            assertEquals(Double.doubleToLongBits(expected[c]), Double.doubleToLongBits(actual[c]), what + ": candidate " + c);
        }
    }

    @Test
    void benchIsCallableAsALibrary() {
        BenchResult r = SelectionKernelBench.run(2000, 16, 100, 3, 1, 1 << 20, 0, 2);
        assertEquals(3, r.rows().size());
        for (BenchResult.Row row : r.rows()) {
            assertTrue(row.kMedoidCost() > 0 && row.peakHeapBytes() > 0, row.toString());
            assertTrue(row.minMillis() <= row.wallMillis() && row.wallMillis() <= row.maxMillis(), row.toString());
            assertTrue(row.firstMillis() > 0, row.toString());
        }
        assertTrue(r.toTable().contains("lazy greedy") && r.toTable().startsWith("gaussian mixture: n=2000"));
    }
}
