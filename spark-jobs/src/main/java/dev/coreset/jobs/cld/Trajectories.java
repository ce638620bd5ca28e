package dev.coreset.jobs.cld;

/**
 * The per-sample arithmetic of training dynamics, Spark-free and in double precision: loss differences,
 * their Pearson correlation with a class's validation differences (CLD), forgetting events and means.
 */
public final class Trajectories {
    private Trajectories() {
    }

    /** First differences x[t+1] - x[t]; length n - 1. */
    public static double[] differences(double[] x) {
        double[] d = new double[Math.max(0, x.length - 1)];
        for (int t = 0; t < d.length; t++) {
            d[t] = x[t + 1] - x[t];
        }
        return d;
    }

    /**
     * Pearson correlation of two equally long series. A series with zero variance (constant), fewer than
     * two points or a non-finite result gives 0, never NaN; the result is clamped to [-1, 1].
     */
    public static double pearson(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("series of different lengths: " + a.length + " and " + b.length);
        }
        int n = a.length;
        if (n < 2) {
            return 0.0;
        }
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (!(saa > 0) || !(sbb > 0)) {
            return 0.0;
        }
        double r = sab / Math.sqrt(saa * sbb);
        if (Double.isNaN(r)) {
            return 0.0;
        }
        return Math.max(-1.0, Math.min(1.0, r));
    }

    /** CLD of one sample: Pearson of its loss differences with its class's validation loss differences. */
    public static double cld(double[] losses, double[] classValDifferences) {
        return pearson(differences(losses), classValDifferences);
    }

    /** Number of correct -> incorrect transitions between consecutive checkpoints (forgetting events). */
    public static int forgetting(boolean[] correct) {
        int events = 0;
        for (int t = 1; t < correct.length; t++) {
            if (correct[t - 1] && !correct[t]) {
                events++;
            }
        }
        return events;
    }

    public static double mean(double[] x) {
        return meanOfFirst(x, x.length);
    }

    /** Mean of the first min(k, n) values; NaN for an empty series. */
    public static double meanOfFirst(double[] x, int k) {
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
