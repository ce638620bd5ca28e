package dev.coreset.selection.cld;

/**
 * Per-sample training-dynamics scores over a proxy run's checkpoints (ALGORITHMS.md, "Scores"), besides CLD
 * ({@link Cld}): forgetting events and means of a trajectory or of its first checkpoints. Double precision.
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
}
