package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.cld.ClassTrajectoryAccumulator;
import dev.coreset.selection.cld.Cld;
import dev.coreset.selection.cld.TrainingDynamics;
import dev.coreset.selection.score.ScorePicks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CldAndPicksTest {
    @Test
    void cldEqualsADoublePrecisionReference() {
        SplittableRandom r = new SplittableRandom(4);
        for (int trial = 0; trial < 50; trial++) {
            int t = 3 + r.nextInt(10);
            float[] x = new float[t];
            double[] y = new double[t];
            for (int i = 0; i < t; i++) {
                x[i] = (float) r.nextDouble();
                y[i] = r.nextDouble();
            }
            assertEquals(reference(x, y), Cld.score(x, y), 1e-12);
        }
    }

    private static double reference(float[] x, double[] y) {
        int m = x.length - 1;
        double[] dx = new double[m];
        double[] dy = new double[m];
        for (int i = 0; i < m; i++) {
            dx[i] = (double) x[i + 1] - x[i];
            dy[i] = y[i + 1] - y[i];
        }
        double mx = java.util.Arrays.stream(dx).average().orElse(0);
        double my = java.util.Arrays.stream(dy).average().orElse(0);
        double num = 0, a = 0, b = 0;
        for (int i = 0; i < m; i++) {
            num += (dx[i] - mx) * (dy[i] - my);
            a += (dx[i] - mx) * (dx[i] - mx);
            b += (dy[i] - my) * (dy[i] - my);
        }
        return num / Math.sqrt(a * b);
    }

    @Test
    void affineMapsScoreOneOrMinusOneAndConstantsScoreZero() {
        double[] val = {2.3, 1.9, 1.2, 1.1, 0.7, 0.65};
        float[] up = new float[6];
        float[] down = new float[6];
        for (int i = 0; i < 6; i++) {
            up[i] = (float) (0.5 * val[i] + 3);
            down[i] = (float) (-2 * val[i] + 1);
        }
        assertEquals(1.0, Cld.score(up, val), 1e-5);
        assertEquals(-1.0, Cld.score(down, val), 1e-5);
        assertEquals(0.0, Cld.score(new float[] {1, 1, 1, 1, 1, 1}, val));
        assertEquals(0.0, Cld.score(up, new double[] {1, 1, 1, 1, 1, 1}));
        // Linear loss: constant differences, zero variance.
        assertEquals(0.0, Cld.score(new float[] {5, 4, 3, 2, 1, 0}, val));
        assertThrows(IllegalArgumentException.class, () -> Cld.score(new float[3], val));
        // Fewer than two differences, or a non-finite loss: 0, never NaN.
        assertEquals(0.0, Cld.score(new float[] {3, 1}, new double[] {2, 1}));
        assertEquals(0.0, Cld.score(new float[] {Float.NaN, 2, 1, 0.5f, 0.2f, 0.1f}, val));
    }

    @Test
    void accumulatorBuildsClassMeansInOnePassAndMerges() {
        ClassTrajectoryAccumulator a = new ClassTrajectoryAccumulator(2, 3);
        a.add(0, new float[] {1, 2, 3});
        a.add(0, new float[] {3, 4, 5});
        ClassTrajectoryAccumulator b = new ClassTrajectoryAccumulator(2, 3);
        b.add(1, new float[] {9, 9, 9});
        a.merge(b);
        assertArrayEquals(new double[] {2, 3, 4}, a.mean(0), 1e-12);
        assertArrayEquals(new double[] {9, 9, 9}, a.mean(1), 1e-12);
        assertEquals(2, a.count(0));
        double[] s = Cld.scores(new float[][] {{1, 2, 4}, {1, 2, 3}}, new int[] {0, 1}, a.means());
        assertEquals(0.0, s[0]); // class 0 differences are constant
        assertEquals(0.0, s[1]);
    }

    @Test
    void topAndBottomKBreakTiesByIndexOrId() {
        double[] s = {0.5, 0.9, 0.5, Double.NaN, 0.9, 0.1};
        assertArrayEquals(new int[] {1, 4, 0}, ScorePicks.topK(s, 3));
        assertArrayEquals(new int[] {5, 0, 2}, ScorePicks.bottomK(s, 3));
        assertArrayEquals(new int[] {4, 1}, ScorePicks.topK(s, new long[] {6, 50, 4, 3, 2, 1}, 2));
        assertEquals(6, ScorePicks.topK(s, 10).length);
    }

    @Test
    void randomPicksAreSeededAndStratified() {
        assertArrayEquals(ScorePicks.randomK(1000, 50, 7), ScorePicks.randomK(1000, 50, 7));
        assertTrue(!java.util.Arrays.equals(ScorePicks.randomK(1000, 50, 7), ScorePicks.randomK(1000, 50, 8)));
        int[] labels = new int[300];
        for (int i = 0; i < 300; i++) labels[i] = i % 3;
        int[] pick = ScorePicks.stratifiedRandom(labels, new int[] {10, 0, 5}, 1);
        assertArrayEquals(pick, ScorePicks.stratifiedRandom(labels, new int[] {10, 0, 5}, 1));
        int[] per = new int[3];
        for (int i : pick) per[labels[i]]++;
        assertArrayEquals(new int[] {10, 0, 5}, per);
        assertEquals(15, java.util.Arrays.stream(pick).distinct().count());
    }

    @Test
    void forgettingEventsAndEarlyMeans() {
        assertEquals(2, TrainingDynamics.forgettingEvents(new boolean[] {true, false, true, false, false, true}));
        assertEquals(0, TrainingDynamics.forgettingEvents(new boolean[] {false, false, true, true}));
        assertEquals(0, TrainingDynamics.forgettingEvents(new boolean[] {true}));
        float[] el2n = {0.2f, 0.4f, 0.6f, 0.8f};
        assertEquals((0.2 + 0.4 + 0.6) / 3, TrainingDynamics.meanOfFirst(el2n, 3), 1e-7);
        assertEquals((0.2 + 0.4 + 0.6 + 0.8) / 4, TrainingDynamics.meanOfFirst(el2n, 9), 1e-7, "k beyond the trajectory: all of it");
        assertEquals(TrainingDynamics.meanOfFirst(el2n, 4), TrainingDynamics.mean(el2n));
        assertTrue(Double.isNaN(TrainingDynamics.meanOfFirst(el2n, 0)));
        assertTrue(Double.isNaN(TrainingDynamics.mean(new float[0])));
    }
}
