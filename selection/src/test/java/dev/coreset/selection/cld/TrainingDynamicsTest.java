package dev.coreset.selection.cld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainingDynamicsTest {
    @Test
    void aumIsTheMeanMarginInDouble() {
        assertEquals(0.125, TrainingDynamics.aum(new float[] {0.5f, -0.25f, 0.25f, 0f}), 0.0);
        // Mislabeled samples have a negative margin throughout.
        assertEquals(-0.5, TrainingDynamics.aum(new float[] {-0.75f, -0.25f}), 0.0);
        assertTrue(Double.isNaN(TrainingDynamics.aum(new float[0])));

        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 100; trial++) {
            float[] m = new float[1 + r.nextInt(30)];
            double sum = 0;
            for (int t = 0; t < m.length; t++) {
                m[t] = (float) (2 * r.nextDouble() - 1);
                sum += m[t];
            }
            assertEquals(sum / m.length, TrainingDynamics.aum(m), 1e-15);
        }
    }

    @Test
    void meanLabelProbabilityAveragesExpOfMinusLoss() {
        // Loss 0 means p_y = 1; a huge loss means p_y ~ 0.
        assertEquals(1.0, TrainingDynamics.meanLabelProbability(new float[] {0f, 0f}), 0.0);
        assertEquals(0.5, TrainingDynamics.meanLabelProbability(new float[] {0f, 1000f}), 0.0);
        assertTrue(Double.isNaN(TrainingDynamics.meanLabelProbability(new float[0])));

        SplittableRandom r = new SplittableRandom(12);
        for (int trial = 0; trial < 100; trial++) {
            float[] loss = randomLoss(r, 1 + r.nextInt(30));
            double sum = 0;
            for (float l : loss) {
                sum += Math.exp(-(double) l);
            }
            double expected = sum / loss.length;
            assertEquals(expected, TrainingDynamics.meanLabelProbability(loss), 1e-15);
            assertTrue(expected > 0 && expected <= 1);
        }
    }

    @Test
    void dualScoreMatchesSlidingWindowsComputedDirectly() {
        SplittableRandom r = new SplittableRandom(13);
        for (int trial = 0; trial < 200; trial++) {
            int t = 2 + r.nextInt(20);
            int window = 2 + r.nextInt(t - 1);
            float[] loss = randomLoss(r, t);
            assertEquals(dualReference(loss, window), TrainingDynamics.dualScore(loss, window), 1e-13,
                    "T=" + t + " J=" + window);
        }
    }

    @Test
    void dualScoreOfAHandWorkedTrajectory() {
        // Losses whose p_y are 1, 1/2, 1/4 up to float rounding of ln 2 and ln 4.
        float[] loss = {0f, (float) Math.log(2), (float) Math.log(4)};
        double[] p = {1, Math.exp(-(double) loss[1]), Math.exp(-(double) loss[2])};
        // J = 2: window {1, 1/2}: std 1/4, mean 3/4 -> 1/16; window {1/2, 1/4}: std 1/8, mean 3/8 -> 5/64.
        assertEquals((1.0 / 16 + 5.0 / 64) / 2, TrainingDynamics.dualScore(loss, 2), 1e-7);
        // J = T: one window, the population std of all three.
        double m = (p[0] + p[1] + p[2]) / 3;
        double var = ((p[0] - m) * (p[0] - m) + (p[1] - m) * (p[1] - m) + (p[2] - m) * (p[2] - m)) / 3;
        assertEquals(Math.sqrt(var) * (1 - m), TrainingDynamics.dualScore(loss, 3), 1e-15);
    }

    @Test
    void dualScoreIsZeroForAConstantOrFullyLearntTrajectory() {
        assertEquals(0.0, TrainingDynamics.dualScore(new float[] {0.7f, 0.7f, 0.7f, 0.7f}, 2), 1e-16);
        // Learnt from the start: p_y = 1 in every window.
        assertEquals(0.0, TrainingDynamics.dualScore(new float[] {0f, 0f, 0f}, 3), 0.0);
        // A sample the proxy is unsure of scores higher than one it learns in one step and then keeps.
        float[] wobbly = {2f, 0.1f, 2f, 0.1f, 2f};
        float[] learnt = {2f, 0.01f, 0.01f, 0.01f, 0.01f};
        assertTrue(TrainingDynamics.dualScore(wobbly, 2) > TrainingDynamics.dualScore(learnt, 2));
        assertNotEquals(0.0, TrainingDynamics.dualScore(learnt, 2));
    }

    @Test
    void dualScoreRefusesWindowsBelowTwoOrLongerThanTheTrajectory() {
        float[] loss = {1f, 2f, 3f};
        assertThrows(IllegalArgumentException.class, () -> TrainingDynamics.dualScore(loss, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainingDynamics.dualScore(loss, 0));
        assertThrows(IllegalArgumentException.class, () -> TrainingDynamics.dualScore(loss, 4));
        assertThrows(IllegalArgumentException.class, () -> TrainingDynamics.dualScore(new float[0], 2));
        assertThrows(IllegalArgumentException.class, () -> TrainingDynamics.dualScore(new float[] {1f}, 2));
    }

    /** Losses in [0, 4): p_y from about 0.02 to 1. */
    private static float[] randomLoss(SplittableRandom r, int t) {
        float[] loss = new float[t];
        for (int i = 0; i < t; i++) {
            loss[i] = (float) (4 * r.nextDouble());
        }
        return loss;
    }

    /** DUAL written out: windows [s, s + J), population variance as E[(p - mean)^2], mean over the windows. */
    private static double dualReference(float[] loss, int window) {
        int windows = loss.length - window + 1;
        double total = 0;
        for (int s = 0; s < windows; s++) {
            double[] p = new double[window];
            for (int i = 0; i < window; i++) {
                p[i] = Math.exp(-(double) loss[s + i]);
            }
            double mean = java.util.Arrays.stream(p).sum() / window;
            double sq = java.util.Arrays.stream(p).map(x -> (x - mean) * (x - mean)).sum();
            total += Math.sqrt(sq / window) * (1 - mean);
        }
        return total / windows;
    }
}
