package dev.coreset.selection.cld;

/**
 * CLD, Correlation of Loss Differences (ALGORITHMS.md): the Pearson correlation between a sample's loss
 * differences l(t+1) - l(t) and its class's mean validation loss differences. Computed in double. A trajectory
 * with zero variance of differences (e.g. constant loss) or fewer than 2 differences scores 0, never NaN.
 */
public final class Cld {
    private Cld() {
    }

    /** CLD of one sample; both trajectories have the same length T (checkpoints). */
    public static double score(float[] sampleLoss, double[] classValLoss) {
        int t = sampleLoss.length;
        if (classValLoss.length != t) {
            throw new IllegalArgumentException("trajectory lengths differ: " + t + " vs " + classValLoss.length);
        }
        int m = t - 1;
        if (m < 2) return 0;
        double mx = 0, my = 0;
        for (int i = 0; i < m; i++) {
            mx += (double) sampleLoss[i + 1] - sampleLoss[i];
            my += classValLoss[i + 1] - classValLoss[i];
        }
        mx /= m;
        my /= m;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < m; i++) {
            double x = (double) sampleLoss[i + 1] - sampleLoss[i] - mx;
            double y = classValLoss[i + 1] - classValLoss[i] - my;
            sxy += x * y;
            sxx += x * x;
            syy += y * y;
        }
        if (!(sxx > 0) || !(syy > 0)) return 0;
        double r = sxy / Math.sqrt(sxx * syy);
        return Double.isFinite(r) ? Math.max(-1, Math.min(1, r)) : 0;
    }

    /** CLD of every sample: losses[i] its trajectory, labels[i] its class, classMeans[c] from the accumulator. */
    public static double[] scores(float[][] losses, int[] labels, double[][] classMeans) {
        double[] out = new double[losses.length];
        for (int i = 0; i < losses.length; i++) out[i] = score(losses[i], classMeans[labels[i]]);
        return out;
    }
}
