package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coreset.selection.assign.AssignmentSummary;
import dev.coreset.selection.assign.NearestCenterAssigner;
import dev.coreset.selection.assign.Objectives;
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
