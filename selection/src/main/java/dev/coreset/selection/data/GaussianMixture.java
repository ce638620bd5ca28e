package dev.coreset.selection.data;

import java.util.SplittableRandom;

/**
 * A seeded Gaussian mixture for benchmarks and tests: {@code components} centers drawn from N(0, spread^2 I),
 * points drawn around a center with unit variance. Point i belongs to component i % components, so labels
 * are balanced and {@link #labels} can stand for classes.
 */
public record GaussianMixture(float[] points, int[] labels, int n, int d) {

    public static GaussianMixture generate(int n, int d, int components, double spread, long seed) {
        if (n < 0 || d <= 0 || components <= 0) {
            throw new IllegalArgumentException("need n >= 0, d > 0, components > 0");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] centers = new double[components * d];
        for (int j = 0; j < centers.length; j++) centers[j] = spread * gaussian(rnd);
        float[] x = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % components;
            labels[i] = c;
            for (int t = 0; t < d; t++) x[i * d + t] = (float) (centers[c * d + t] + gaussian(rnd));
        }
        return new GaussianMixture(x, labels, n, d);
    }

    /** Row indices of one component, ascending. */
    public int[] rowsOf(int label) {
        int count = 0;
        for (int l : labels) if (l == label) count++;
        int[] out = new int[count];
        int j = 0;
        for (int i = 0; i < n; i++) if (labels[i] == label) out[j++] = i;
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
