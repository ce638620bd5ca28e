package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coreset.selection.assign.AssignmentSummary;
import dev.coreset.selection.assign.NearestCenterAssigner;
import dev.coreset.selection.assign.Objectives;
import dev.coreset.selection.data.GaussianMixture;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.score.ScorePicks;
import org.junit.jupiter.api.Test;

class AssignmentTest {
    @Test
    void nearestAssignmentEqualsBruteForce() {
        PointSet pts = TestData.random(700, 7, 5, false);
        int[] sel = ScorePicks.randomK(700, 37, 1);
        int[] idx = new int[700];
        double[] dist = new double[700];
        try (Workers w = Workers.create(2)) {
            new NearestCenterAssigner(pts.gather(sel), sel.length, 7, w).assign(pts.rows(), 700, idx, dist);
        }
        for (int i = 0; i < 700; i++) {
            int best = 0;
            for (int j = 1; j < sel.length; j++) {
                if (TestData.dist(pts, i, sel[j]) < TestData.dist(pts, i, sel[best])) best = j;
            }
            double bd = TestData.dist(pts, i, sel[best]);
            assertEquals(bd, dist[i], 1e-9 + 1e-6 * bd, "row " + i);
            // Same center unless two centers are at the same distance up to float rounding.
            assertEquals(bd, TestData.dist(pts, i, sel[idx[i]]), 1e-4 * (1 + bd));
        }
    }

    @Test
    void groupedSearchOverManyCentersEqualsBruteForceExactly() {
        // Clustered points (where groups get skipped), uniform ones (few skips) and exact duplicates among the
        // centers (ties to the lowest index): same center and same bits of the distance as the brute force.
        for (long seed = 1; seed <= 3; seed++) {
            PointSet pts = seed == 2 ? TestData.random(6000, 12, seed, false)
                    : PointSet.of(GaussianMixture.generate(6000, 12, 8, 4.0, seed).points(), 6000, 12);
            int[] sel = ScorePicks.randomK(6000, 1500, seed);
            float[] centers = pts.gather(sel);
            System.arraycopy(centers, 0, centers, 1499 * 12, 12);
            int[] idx = new int[6000];
            int[] ref = new int[6000];
            double[] dist = new double[6000];
            double[] refDist = new double[6000];
            try (Workers w = Workers.create(2)) {
                new NearestCenterAssigner(centers, 1500, 12, w).assign(pts.rows(), 6000, idx, dist);
                NearestCenterAssigner.bruteForce(centers, 1500, 12, w).assign(pts.rows(), 6000, ref, refDist);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref, idx, "seed " + seed);
            org.junit.jupiter.api.Assertions.assertArrayEquals(refDist, dist, 0.0, "seed " + seed);
            assertEquals(0, idx[sel[0]], "the duplicated center keeps the lower index");
        }
    }

    @Test
    void craigWeightsSumToTheClassSizeAndBlocksMerge() {
        PointSet pts = TestData.random(1000, 4, 6, false);
        int[] sel = ScorePicks.randomK(1000, 50, 2);
        long[] w = Objectives.craigWeights(pts, sel);
        long sum = 0;
        for (long v : w) {
            sum += v;
            assertEquals(true, v >= 1, "a selected point at least covers itself");
        }
        assertEquals(1000, sum);
        // Two blocks of rows merged = one pass over all rows.
        NearestCenterAssigner a = new NearestCenterAssigner(pts.gather(sel), 50, 4);
        float[] rows = pts.rows();
        float[] first = java.util.Arrays.copyOfRange(rows, 0, 400 * 4);
        float[] second = java.util.Arrays.copyOfRange(rows, 400 * 4, 1000 * 4);
        AssignmentSummary merged = a.summarize(first, 400).merge(a.summarize(second, 600));
        AssignmentSummary whole = a.summarize(rows, 1000);
        assertEquals(whole.kMedoidCost(), merged.kMedoidCost(), 1e-6 * whole.kMedoidCost());
        assertEquals(whole.kCenterRadius(), merged.kCenterRadius(), 0.0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(whole.weights(), merged.weights());
        assertEquals(1000, merged.rows());
    }
}
