package dev.coreset.selection.cld;

/**
 * Per-sample training-dynamics scores over a proxy run's checkpoints (ALGORITHMS.md, "Scores" and "Training-dynamics
 * scores"), besides CLD ({@link Cld}): forgetting events, means of a trajectory or of its first checkpoints, AUM,
 * the mean probability of the given label and DUAL's score. p_y(t) = exp(-loss(t)). Double precision.
 */
public final class TrainingDynamics {
    private TrainingDynamics() {
    }

    /** Number of correct -> incorrect transitions between consecutive checkpoints (forgetting events). */
    public static int forgettingEvents(boolean[] correct) {
        int events = 0;
        for (int t = 1; t < correct.length; t++) {
            if (correct[t - 1] && !correct[t]) {
                events++;
            }
        }
        return events;
    }

    /** Mean of the whole trajectory; NaN when it is empty. */
    public static double mean(float[] x) {
        return meanOfFirst(x, x.length);
    }

    /** Mean of the first min(k, n) values (e.g. EL2N over the early checkpoints); NaN when that is none. */
    public static double meanOfFirst(float[] x, int k) {
        int m = Math.min(k, x.length);
        if (m <= 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < m; i++) {
            s += x[i];
        }
        return s / m;
    }

    /** AUM with probabilities (as CCS uses it): the mean over checkpoints of p_y - max over c != y of p_c. */
    public static double aum(float[] probabilityMargin) {
        return mean(probabilityMargin);
    }

    /** The mean probability of the given label over the trajectory, p_y(t) = exp(-loss(t)); NaN when empty. */
    public static double meanLabelProbability(float[] loss) {
        if (loss.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (float l : loss) {
            s += Math.exp(-(double) l);
        }
        return s / loss.length;
    }

    /**
     * DUAL's score (2025): over every window of {@code window} consecutive checkpoints, the standard deviation of
     * p_y (population, divided by J) times one minus its mean; the mean over the T - J + 1 windows. High for samples
     * the proxy is unsure of and has not learnt yet. The reference code's sample std (divided by J - 1) only scales
     * every score by the same factor, which changes neither a ranking nor DUAL's sampling probabilities.
     *
     * @throws IllegalArgumentException when the trajectory is shorter than the window or the window is below 2
     */
    public static double dualScore(float[] loss, int window) {
        int t = loss.length;
        if (window < 2 || window > t) {
            throw new IllegalArgumentException("DUAL needs a window of 2..T checkpoints; got " + window + " of " + t);
        }
        double[] p = new double[t];
        for (int i = 0; i < t; i++) {
            p[i] = Math.exp(-(double) loss[i]);
        }
        double sum = 0;
        for (int from = 0; from + window <= t; from++) {
            double m = 0;
            for (int i = from; i < from + window; i++) {
                m += p[i];
            }
            m /= window;
            double v = 0;
            for (int i = from; i < from + window; i++) {
                v += (p[i] - m) * (p[i] - m);
            }
            sum += Math.sqrt(v / window) * (1 - m);
        }
        return sum / (t - window + 1);
    }
}
