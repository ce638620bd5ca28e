package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.assign.Objectives;
import dev.coreset.selection.data.GaussianMixture;
import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.optimize.GreeDi;
import dev.coreset.selection.optimize.LazyGreedy;
import dev.coreset.selection.optimize.SelectionResult;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GreeDiTest {
    private static GreeDi greedi(int partSize, long seed) {
        return new GreeDi(new LazyGreedy(), p -> new FacilityLocation(p, Similarity.euclidean()), partSize, seed);
    }

    @Test
    void perClassCostWithinFivePercentOfCentralizedLazyGreedy() {
        GaussianMixture g = GaussianMixture.generate(20_000, 16, 10, 3.0, 11);
        PointSet all = PointSet.of(g.points(), g.n(), g.d());
        int k = 40;
        for (int c = 0; c < 10; c++) {
            PointSet cls = all.subset(g.rowsOf(c));
            SelectionResult central = new LazyGreedy().maximize(new FacilityLocation(cls, Similarity.euclidean()), k);
            SelectionResult dist = greedi(700, 5 + c).select(cls, k);
            assertEquals(k, dist.size());
            double cc = Objectives.kMedoidCost(cls, central.indices());
            double cd = Objectives.kMedoidCost(cls, dist.indices());
            assertTrue(cd <= 1.05 * cc, "class " + c + ": GreeDi " + cd + " vs central " + cc);
        }
    }

    @Test
    void sameSeedSameResultAndPartitionIsAPartition() {
        PointSet pts = TestData.random(1500, 6, 2, false);
        assertEquals(greedi(400, 9).select(pts, 20), greedi(400, 9).select(pts, 20));
        int[][] parts = GreeDi.partition(1001, 300, 4);
        assertEquals(4, parts.length);
        int[] seen = new int[1001];
        for (int[] p : parts) {
            assertTrue(p.length <= 300);
            for (int i : p) seen[i]++;
        }
        int[] ones = new int[1001];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, seen);
        assertTrue(!Arrays.deepEquals(parts, GreeDi.partition(1001, 300, 5)));
    }

    @Test
    void resultIsNoWorseThanTheBestPartOnAllRows() {
        PointSet pts = TestData.random(1200, 4, 8, false);
        GreeDi gd = greedi(300, 1);
        SelectionResult r = gd.select(pts, 10);
        for (int[] part : GreeDi.partition(1200, 300, 1)) {
            float[] rows = pts.gather(part);
            SelectionResult local = gd.selectFromRows(rows, part.length, 4, 10).mapIndices(part);
            assertTrue(r.objective() >= gd.evaluate(pts, local.indices()) - 1e-6);
        }
        assertEquals(gd.evaluate(pts, r.indices()), r.objective(), 1e-9);
    }
}
