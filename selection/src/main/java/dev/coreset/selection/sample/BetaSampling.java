package dev.coreset.selection.sample;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Beta;

/**
 * DUAL's Beta sampling (2025; ALGORITHMS.md) on one class: draw the budget without replacement with probability
 * proportional to BetaPdf(mu_i; a, b) x score_i, where mu_i is the sample's mean p_y, score_i its DUAL score,
 * b = 15 (1 - anchor)(1 - r^e), a = 16 - b, r the pruning rate, e the exponent (4) and anchor the mean mu of the
 * 10 highest-scored samples. At high pruning rates the density moves the draw toward easier (higher-mu) samples; at
 * low rates it keeps the uncertain ones. Plain Java, deterministic for a seed.
 *
 * <p>The draw is successive sampling without replacement (each pick proportional to the weights of those left), done
 * in one pass with Efraimidis and Spirakis' keys u^(1 / w): the k largest keys are such a sample. Samples of weight
 * 0 come last, uniformly, and only when fewer than k have a positive weight.
 */
public final class BetaSampling {
    /** Samples whose mean mu sets the anchor. */
    public static final int ANCHOR_SAMPLES = 10;
    public static final double DEFAULT_EXPONENT = 4;
    /** mu is kept inside (0, 1) by this margin so that a density with a or b below 1 stays finite. */
    static final double MU_MARGIN = 1e-6;
    static final double B_MIN = 1e-3;

    /** The Beta density's parameters for a class, and the anchor they came from. */
    public record Shape(double anchor, double a, double b) {
    }

    /** The picks in draw order, the density's shape, and every sample's sampling weight. */
    public record Result(int[] indices, Shape shape, double[] weights) {
    }

    private BetaSampling() {
    }

    /** anchor = mean mu of the {@link #ANCHOR_SAMPLES} highest scores (ties by index); b and a from it. */
    public static Shape shape(double[] score, double[] mu, double pruneRate, double exponent) {
        if (!(pruneRate >= 0 && pruneRate < 1)) {
            throw new IllegalArgumentException("pruning rate must be in [0, 1), got " + pruneRate);
        }
        if (!(exponent > 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("exponent must be finite and > 0, got " + exponent);
        }
        Integer[] idx = new Integer[score.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        // 0.0 - score, not -score: 0.0 and -0.0 then tie and go by index.
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> 0.0 - score[i]).thenComparingInt(i -> i));
        int m = Math.min(ANCHOR_SAMPLES, idx.length);
        double anchor = 0;
        for (int j = 0; j < m; j++) {
            anchor += mu[idx[j]];
        }
        anchor = m == 0 ? 0.5 : anchor / m;
        // b stays above B_MIN: an anchor of exactly 1 would make the density undefined.
        double b = Math.max(B_MIN, 15 * (1 - anchor) * (1 - Math.pow(pruneRate, exponent)));
        return new Shape(anchor, 16 - b, b);
    }

    /**
     * Sampling weight of one sample: the Beta(a, b) density at mu times its score (the density's normalising
     * constant included, so the value is the formula's; it cancels in the draw).
     */
    public static double weight(double score, double mu, Shape shape) {
        if (!(score > 0)) {
            return 0;
        }
        double x = Math.min(1 - MU_MARGIN, Math.max(MU_MARGIN, mu));
        double logPdf = (shape.a() - 1) * Math.log(x) + (shape.b() - 1) * Math.log1p(-x) - Beta.logBeta(shape.a(), shape.b());
        return Math.exp(logPdf) * score;
    }

    /**
     * @param score     DUAL score per sample (>= 0; NaN refused)
     * @param mu        mean p_y per sample
     * @param budget    picks, at most n
     * @param pruneRate r = 1 - budget / n of the class, usually
     * @param exponent  e of (1 - r^e)
     */
    public static Result select(double[] score, double[] mu, int budget, double pruneRate, double exponent, long seed) {
        int n = score.length;
        if (mu.length != n) {
            throw new IllegalArgumentException("score and mu differ in length");
        }
        if (budget < 0 || budget > n) {
            throw new IllegalArgumentException("budget " + budget + " outside 0.." + n);
        }
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(score[i]) || Double.isNaN(mu[i])) {
                throw new IllegalArgumentException("score or mu of sample " + i + " is NaN");
            }
        }
        Shape shape = shape(score, mu, pruneRate, exponent);
        double[] w = new double[n];
        double[] key = new double[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            w[i] = weight(score[i], mu[i], shape);
            double u = rnd.nextDouble();
            // ln(u^(1/w)), compared in logs to stay finite; a zero weight sorts after every positive one, by u.
            key[i] = w[i] > 0 ? Math.log(u) / w[i] : u;
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> {
            boolean px = w[x] > 0;
            boolean py = w[y] > 0;
            if (px != py) {
                return px ? -1 : 1;
            }
            int c = Double.compare(key[y], key[x]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        int[] out = new int[budget];
        for (int j = 0; j < budget; j++) {
            out[j] = idx[j];
        }
        return new Result(out, shape, w);
    }
}
