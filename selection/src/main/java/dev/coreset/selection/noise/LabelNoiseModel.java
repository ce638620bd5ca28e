package dev.coreset.selection.noise;

import java.io.Serializable;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * A label-noise model estimated from a proxy's predicted probabilities, and the posterior that a sample's given label
 * is its true class (ALGORITHMS.md, "Confident learning"; docs/BENCHMARKS.md, "Noise flags under pair noise").
 *
 * <p>Estimation (Northcutt et al.'s confident joint): per class k the threshold t_k = mean p_k over the samples
 * labelled k; a sample labelled k counts for true class j = argmax of p_j over the classes with p_j >= t_j (none: not
 * counted); rows of that count matrix are rescaled to the label counts and the whole to n. Normalised over each true
 * class, it gives the transition T[j][k] = P(label k | true class j).
 *
 * <p>Posterior: the proxy was trained on the noisy labels, so its probabilities p estimate the noisy posterior
 * p = q T, with q the clean class posterior. q = p T^-1 (pseudo-inverse; negative parts clipped, renormalised), then
 * P(true = y | x, label y) = q_y T[y][y] / sum_c q_c T[c][y]. A sample whose posterior is below 0.5 is more likely
 * mislabeled than not. Unlike a per-class loss threshold this sees class-conditional noise: a shirt labelled T-shirt
 * by a systematic mistake has a moderate loss (the proxy learns part of the mistake), but the transition matrix knows
 * that T-shirt labels often come from shirts, and q knows this one looks like a shirt. Plain Java; C x C numbers.
 */
public final class LabelNoiseModel implements Serializable {
    private final double[][] transition;
    private final double[][] inverse;

    private LabelNoiseModel(double[][] transition, double[][] inverse) {
        this.transition = transition;
        this.inverse = inverse;
    }

    /** The class j a sample counts for in the confident joint, or -1 when no class reaches its threshold. */
    public static int confidentClass(float[] p, double[] thresholds) {
        int best = -1;
        for (int j = 0; j < p.length; j++) {
            if (p[j] >= thresholds[j] && (best < 0 || p[j] > p[best])) {
                best = j;
            }
        }
        return best;
    }

    /**
     * The calibrated confident joint Q[k][j] (label k, true class j): each row rescaled to the label count of k, then
     * the whole to the total of the label counts. A row with no counts gets its label count on the diagonal.
     */
    public static double[][] calibrate(long[][] joint, long[] labelCounts) {
        int c = labelCounts.length;
        double[][] q = new double[c][c];
        double n = 0;
        double total = 0;
        for (int k = 0; k < c; k++) {
            long row = 0;
            for (int j = 0; j < c; j++) {
                row += joint[k][j];
            }
            for (int j = 0; j < c; j++) {
                q[k][j] = row == 0 ? (j == k ? labelCounts[k] : 0) : (double) joint[k][j] * labelCounts[k] / row;
                total += q[k][j];
            }
            n += labelCounts[k];
        }
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < c; j++) {
                q[k][j] = total > 0 ? q[k][j] * n / total : 0;
            }
        }
        return q;
    }

    /** The model of a calibrated joint Q[k][j]: T[j][k] = Q[k][j] / sum over k' of Q[k'][j] (identity where empty). */
    public static LabelNoiseModel fromJoint(double[][] joint) {
        int c = joint.length;
        double[][] t = new double[c][c];
        for (int j = 0; j < c; j++) {
            double col = 0;
            for (int k = 0; k < c; k++) {
                col += joint[k][j];
            }
            for (int k = 0; k < c; k++) {
                t[j][k] = col > 0 ? joint[k][j] / col : (j == k ? 1 : 0);
            }
        }
        RealMatrix inv = new SingularValueDecomposition(new Array2DRowRealMatrix(t, false)).getSolver().getInverse();
        return new LabelNoiseModel(t, inv.getData());
    }

    /** T[j][k] = P(label k | true class j). */
    public double[][] transition() {
        double[][] out = new double[transition.length][];
        for (int j = 0; j < out.length; j++) {
            out[j] = transition[j].clone();
        }
        return out;
    }

    /** The clean class posterior q = p T^-1, clipped at 0 and normalised (p itself when that leaves nothing). */
    public double[] cleanPosterior(float[] p) {
        int c = inverse.length;
        double[] q = new double[c];
        double sum = 0;
        for (int j = 0; j < c; j++) {
            double v = 0;
            for (int k = 0; k < c; k++) {
                v += p[k] * inverse[k][j];
            }
            q[j] = Math.max(0, v);
            sum += q[j];
        }
        for (int j = 0; j < c; j++) {
            q[j] = sum > 0 ? q[j] / sum : p[j];
        }
        return q;
    }

    /**
     * P(true class = label | p, label) and the most likely true class, from q_c T[c][label]. Returns {posterior,
     * class}; a label outside the model's classes has posterior 0.
     */
    public double[] labelPosterior(float[] p, int label) {
        if (label < 0 || label >= transition.length || p.length != transition.length) {
            return new double[] {0, -1};
        }
        double[] q = cleanPosterior(p);
        double sum = 0;
        int best = label;
        double bestV = -1;
        for (int c = 0; c < q.length; c++) {
            double v = q[c] * transition[c][label];
            sum += v;
            if (v > bestV) {
                bestV = v;
                best = c;
            }
        }
        double own = q[label] * transition[label][label];
        return new double[] {sum > 0 ? own / sum : 0, best};
    }
}
