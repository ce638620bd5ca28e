package dev.coreset.selection.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The label-noise model's steps against hand computations, and its posterior on data with a known noise process. */
class LabelNoiseModelTest {
    @Test
    void confidentClassIsTheMostProbableClassAboveItsThreshold() {
        double[] t = {0.5, 0.3, 0.9};
        assertEquals(1, LabelNoiseModel.confidentClass(new float[] {0.45f, 0.35f, 0.2f}, t), "class 0 below 0.5");
        assertEquals(0, LabelNoiseModel.confidentClass(new float[] {0.6f, 0.35f, 0.05f}, t));
        assertEquals(-1, LabelNoiseModel.confidentClass(new float[] {0.4f, 0.2f, 0.4f}, t), "none reaches its threshold");
        assertEquals(2, LabelNoiseModel.confidentClass(new float[] {0.0f, 0.05f, 0.95f}, t));
    }

    @Test
    void calibrationScalesRowsToLabelCountsAndTheWholeToN() {
        long[][] joint = {{8, 2}, {0, 5}};
        long[] counts = {20, 10};
        double[][] q = LabelNoiseModel.calibrate(joint, counts);
        // rows: 8,2 -> 16,4 (sum 20); 0,5 -> 0,10 (sum 10); total 30 = n, so no second scaling
        assertArrayEquals(new double[] {16, 4}, q[0], 1e-12);
        assertArrayEquals(new double[] {0, 10}, q[1], 1e-12);
        // an empty row keeps its label count on the diagonal
        double[][] empty = LabelNoiseModel.calibrate(new long[][] {{3, 1}, {0, 0}}, new long[] {4, 6});
        assertArrayEquals(new double[] {3, 1}, empty[0], 1e-12);
        assertArrayEquals(new double[] {0, 6}, empty[1], 1e-12);
    }

    @Test
    void transitionNormalisesTheJointOverEachTrueClass() {
        // Q[label][true]: 70 of true class 0 kept label 0, 30 became label 1; true class 1 always kept its label.
        LabelNoiseModel m = LabelNoiseModel.fromJoint(new double[][] {{70, 0}, {30, 100}});
        double[][] t = m.transition();
        assertArrayEquals(new double[] {0.7, 0.3}, t[0], 1e-12);
        assertArrayEquals(new double[] {0.0, 1.0}, t[1], 1e-12);
    }

    @Test
    void posteriorUndoesTheNoiseTheProxyLearnt() {
        // Pair noise 0 -> 1 at 30%: T = [[0.7, 0.3], [0, 1]]. A proxy trained on the noisy labels says p = q T.
        LabelNoiseModel m = LabelNoiseModel.fromJoint(new double[][] {{70, 0}, {30, 100}});
        // A sample that surely is class 0 (q = [1, 0]) looks like p = [0.7, 0.3] to the proxy.
        float[] p = {0.7f, 0.3f};
        assertArrayEquals(new double[] {1, 0}, m.cleanPosterior(p), 1e-6);
        double[] asLabel1 = m.labelPosterior(p, 1);
        assertEquals(0, asLabel1[0], 1e-6, "labelled 1 but surely class 0: its label is wrong");
        assertEquals(0, asLabel1[1]);
        assertEquals(1, m.labelPosterior(p, 0)[0], 1e-6);
        // A class-1 sample the proxy half doubts: q from p = [0.35, 0.65] is [0.5, 0.5];
        // P(true 1 | label 1) = 0.5 * 1 / (0.5 * 0.3 + 0.5 * 1) = 1 / 1.3.
        assertEquals(1 / 1.3, m.labelPosterior(new float[] {0.35f, 0.65f}, 1)[0], 1e-6);
    }

    @Test
    void flagsTheFlippedSamplesOfASimulatedPairNoiseProcess() {
        // Three well-separated classes, 30% pair noise c -> c+1; the proxy's p is the noisy posterior q T plus jitter.
        Random rnd = new Random(3);
        int n = 3000;
        int c = 3;
        double[][] truth = {{0.7, 0.3, 0}, {0, 0.7, 0.3}, {0.3, 0, 0.7}};
        float[][] p = new float[n][];
        int[] label = new int[n];
        boolean[] flipped = new boolean[n];
        for (int i = 0; i < n; i++) {
            int y = i % c;
            flipped[i] = rnd.nextDouble() < 0.3;
            label[i] = flipped[i] ? (y + 1) % c : y;
            p[i] = new float[c];
            double sum = 0;
            for (int k = 0; k < c; k++) {
                p[i][k] = (float) Math.max(1e-4, truth[y][k] + 0.05 * rnd.nextGaussian());
                sum += p[i][k];
            }
            for (int k = 0; k < c; k++) {
                p[i][k] /= (float) sum;
            }
        }
        double[] t = new double[c];
        long[] counts = new long[c];
        for (int i = 0; i < n; i++) {
            t[label[i]] += p[i][label[i]];
            counts[label[i]]++;
        }
        for (int k = 0; k < c; k++) {
            t[k] /= counts[k];
        }
        long[][] joint = new long[c][c];
        for (int i = 0; i < n; i++) {
            int j = LabelNoiseModel.confidentClass(p[i], t);
            if (j >= 0) {
                joint[label[i]][j]++;
            }
        }
        LabelNoiseModel m = LabelNoiseModel.fromJoint(LabelNoiseModel.calibrate(joint, counts));
        assertEquals(0.3, m.transition()[0][1], 0.05, "the pair transition is recovered");
        int tp = 0;
        int flagged = 0;
        int noisy = 0;
        for (int i = 0; i < n; i++) {
            boolean flag = m.labelPosterior(p[i], label[i])[0] < 0.5;
            flagged += flag ? 1 : 0;
            tp += flag && flipped[i] ? 1 : 0;
            noisy += flipped[i] ? 1 : 0;
        }
        assertTrue(tp >= 0.95 * flagged, "precision " + (double) tp / flagged);
        assertTrue(tp >= 0.95 * noisy, "recall " + (double) tp / noisy);
    }
}
