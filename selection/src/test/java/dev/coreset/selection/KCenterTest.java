package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.assign.Objectives;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.optimize.KCenterGreedy;
import dev.coreset.selection.optimize.SelectionResult;
import org.junit.jupiter.api.Test;

class KCenterTest {
    @Test
    void eachPickIsTheFarthestPointFromThePreviousOnes() {
        PointSet pts = TestData.random(200, 5, 4, false);
        SelectionResult r = new KCenterGreedy().select(pts, 15);
        assertEquals(KCenterGreedy.nearestToCentroid(pts), r.indices()[0]);
        for (int t = 1; t < 15; t++) {
            double best = -1;
            for (int i = 0; i < 200; i++) best = Math.max(best, minDist(pts, i, r.indices(), t));
            double chosen = minDist(pts, r.indices()[t], r.indices(), t);
            assertEquals(best, chosen, 1e-3 * best, "pick " + t);
            assertEquals(best, r.gains()[t - 1], 1e-3 * best, "radius before pick " + t);
        }
        assertEquals(Objectives.kCenterRadius(pts, r.indices()), r.objective(), 1e-3 * r.objective());
    }

    @Test
    void twoApproximationOnTinyInputs() {
        for (long seed = 1; seed <= 8; seed++) {
            int n = 11;
            PointSet pts = TestData.random(n, 2, seed, false);
            for (int k = 1; k <= 3; k++) {
                double greedy = new KCenterGreedy().select(pts, k).objective();
                double opt = Double.POSITIVE_INFINITY;
                for (int mask = 0; mask < (1 << n); mask++) {
                    if (Integer.bitCount(mask) != k) continue;
                    int[] s = new int[k];
                    int j = 0;
                    for (int i = 0; i < n; i++) if ((mask & (1 << i)) != 0) s[j++] = i;
                    double rad = 0;
                    for (int i = 0; i < n; i++) rad = Math.max(rad, minDist(pts, i, s, k));
                    opt = Math.min(opt, rad);
                }
                assertTrue(greedy <= 2 * opt * (1 + 1e-4) + 1e-4, "seed " + seed + " k " + k + ": " + greedy + " vs " + opt);
            }
        }
    }

    private static double minDist(PointSet pts, int i, int[] sel, int count) {
        double m = Double.POSITIVE_INFINITY;
        for (int j = 0; j < count; j++) m = Math.min(m, TestData.dist(pts, i, sel[j]));
        return m;
    }
}
