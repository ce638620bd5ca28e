package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.data.GaussianMixture;
import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.optimize.LazyGreedy;
import dev.coreset.selection.optimize.SelectionResult;
import dev.coreset.selection.optimize.StochasticGreedy;
import org.junit.jupiter.api.Test;

/** Gains read from contributor lists must be the kernel path's bits, whatever the list budget. */
class ContributorListsTest {
    private static final long NO_LISTS = 0;

    @Test
    void listGainsAndAddsHaveTheBitsOfTheKernelPath() {
        GaussianMixture g = GaussianMixture.generate(1500, 8, 5, 3.0, 4);
        PointSet pts = PointSet.of(g.points(), g.n(), g.d());
        long memo = 64 << 20;
        for (Similarity sim : new Similarity[] {Similarity.euclidean(), Similarity.rbf(), Similarity.cosine()}) {
            // Unbounded lists, a budget that holds only some of them, and groups larger than one sum block.
            compareStepByStep(pts, sim, memo, memo / 4, sim + " default");
            compareStepByStep(pts, sim, memo, 6_000, sim + " small budget");
            compareStepByStep(pts, sim, 16L * pts.size() * 1, memo / 4, sim + " one group");
        }
    }

    /** Every candidate's gain each step, then the same pick on both; lists must be used and change no bit. */
    private static void compareStepByStep(PointSet pts, Similarity sim, long memo, long listBytes, String what) {
        int n = pts.size();
        FacilityLocation lists = new FacilityLocation(pts, sim, memo, listBytes, Workers.inline());
        FacilityLocation kernel = new FacilityLocation(pts, sim, memo, NO_LISTS, Workers.inline());
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        double[] a = new double[n];
        double[] b = new double[n];
        boolean[] taken = new boolean[n];
        for (int step = 0; step < 60; step++) {
            lists.gains(all, n, a);
            kernel.gains(all, n, b);
            int best = -1;
            for (int c = 0; c < n; c++) {
                assertEquals(Double.doubleToLongBits(b[c]), Double.doubleToLongBits(a[c]), what + ": candidate " + c + " at step " + step);
                if (!taken[c] && (best < 0 || b[c] > b[best])) best = c;
            }
            taken[best] = true;
            lists.add(best);
            kernel.add(best);
            assertEquals(Double.doubleToLongBits(kernel.value()), Double.doubleToLongBits(lists.value()), what + ": value at step " + step);
        }
        assertTrue(lists.listEvaluations() > n, what + ": lists were hardly used (" + lists.listEvaluations() + ")");
        assertTrue(lists.listBytes() <= listBytes, what + ": list budget exceeded");
        assertEquals(0, kernel.listEvaluations(), what);
    }

    @Test
    void optimizersPickTheSameWithAndWithoutLists() {
        GaussianMixture g = GaussianMixture.generate(4000, 16, 8, 3.0, 11);
        PointSet pts = PointSet.of(g.points(), g.n(), g.d());
        long memo = FacilityLocation.DEFAULT_MEMO_BYTES;
        try (Workers w = Workers.create(2)) {
            FacilityLocation on = new FacilityLocation(pts, Similarity.euclidean(), memo, memo / 4, w);
            FacilityLocation off = new FacilityLocation(pts, Similarity.euclidean(), memo, NO_LISTS, Workers.inline());
            SelectionResult x = new LazyGreedy().maximize(on, 400);
            SelectionResult y = new LazyGreedy().maximize(off, 400);
            assertArrayEquals(y.indices(), x.indices());
            assertArrayEquals(y.gains(), x.gains(), 0.0);
            assertTrue(on.listEvaluations() > 0 && on.pairsComputed() < off.pairsComputed(),
                    "lists should replace kernel work: " + on.pairsComputed() + " vs " + off.pairsComputed());
            SelectionResult s = new StochasticGreedy(0.05, 3).maximize(on, 400);
            SelectionResult t = new StochasticGreedy(0.05, 3).maximize(off, 400);
            assertArrayEquals(t.indices(), s.indices());
        }
    }

    @Test
    void listsBuiltAndReadOnTwoThreadsGiveTheInlineBitsEvenForACandidateAskedTwice() {
        GaussianMixture g = GaussianMixture.generate(3000, 16, 6, 3.0, 21);
        PointSet pts = PointSet.of(g.points(), g.n(), g.d());
        long memo = FacilityLocation.DEFAULT_MEMO_BYTES;
        int n = pts.size();
        try (Workers w = Workers.create(2)) {
            FacilityLocation two = new FacilityLocation(pts, Similarity.euclidean(), memo, memo / 4, w);
            FacilityLocation one = new FacilityLocation(pts, Similarity.euclidean(), memo, memo / 4, Workers.inline());
            // Every candidate twice per call (a list is compacted when read: the second copy must not race the first).
            int[] twice = new int[2 * n];
            for (int i = 0; i < n; i++) {
                twice[2 * i] = i;
                twice[2 * i + 1] = i;
            }
            double[] a = new double[2 * n];
            double[] b = new double[2 * n];
            for (int step = 0; step < 40; step++) {
                two.gains(twice, 2 * n, a);
                one.gains(twice, 2 * n, b);
                int best = 0;
                for (int j = 0; j < 2 * n; j++) {
                    assertEquals(Double.doubleToLongBits(b[j]), Double.doubleToLongBits(a[j]), "entry " + j + " at step " + step);
                    if (j % 2 == 1) assertEquals(Double.doubleToLongBits(a[j - 1]), Double.doubleToLongBits(a[j]), "copies of " + j / 2);
                    if (a[j] > a[best]) best = j;
                }
                two.add(best / 2);
                one.add(best / 2);
            }
            assertTrue(two.listEvaluations() > n, "lists were hardly used (" + two.listEvaluations() + ")");
            assertEquals(one.listEvaluations(), two.listEvaluations(), "the same lists whatever the threads");
            assertEquals(one.listBytes(), two.listBytes(), "the same lists whatever the threads");
            assertEquals(one.pairsComputed(), two.pairsComputed());
        }
    }
}
