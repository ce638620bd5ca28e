package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.bench.BenchResult;
import dev.coreset.selection.bench.SelectionKernelBench;
import dev.coreset.selection.data.GaussianMixture;
import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.optimize.LazyGreedy;
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
    void benchIsCallableAsALibrary() {
        BenchResult r = SelectionKernelBench.run(2000, 16, 100, 3, 1, 1 << 20, 0, 2);
        assertEquals(3, r.rows().size());
        for (BenchResult.Row row : r.rows()) {
            assertTrue(row.kMedoidCost() > 0 && row.peakHeapBytes() > 0, row.toString());
            assertTrue(row.minMillis() <= row.wallMillis() && row.wallMillis() <= row.maxMillis(), row.toString());
        }
        assertTrue(r.toTable().contains("lazy greedy"));
    }
}
