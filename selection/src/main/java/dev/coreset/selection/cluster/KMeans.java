package dev.coreset.selection.cluster;

import dev.coreset.selection.assign.NearestCenterAssigner;
import java.util.SplittableRandom;

/**
 * Seeded k-means (Euclidean): k-means++ seeding, then Lloyd iterations with the blocked nearest-center pass.
 * Used on a bounded sample of a class to cut it into GreeDi parts that keep neighbours together; the centers
 * then assign every point of the class in a distributed pass. Deterministic: the same points, k and seed give
 * the same centers (sequential sums in index order, ties to the lowest center).
 */
public final class KMeans {
    private KMeans() {
    }

    /** What {@link #fit} found: k x d row-major centers, and the sum of squared distances at the last assignment. */
    public record Result(float[] centers, int k, int d, double inertia, int iterations) {
    }

    /**
     * @param rows          n x d row-major points (n >= 1)
     * @param k             clusters; more than n distinct points gives empty clusters, which keep their seed
     * @param maxIterations Lloyd iterations at most (stops earlier when no assignment changes)
     */
    public static Result fit(float[] rows, int n, int d, int k, int maxIterations, long seed) {
        if (n < 1 || k < 1 || d < 1) {
            throw new IllegalArgumentException("need n, k, d >= 1, got n=" + n + ", k=" + k + ", d=" + d);
        }
        float[] centers = seed(rows, n, d, k, seed);
        int[] assigned = new int[n];
        int[] previous = new int[n];
        double[] dist = new double[n];
        java.util.Arrays.fill(previous, -1);
        int it = 0;
        double inertia = 0;
        while (true) {
            new NearestCenterAssigner(centers, k, d).assign(rows, n, assigned, dist);
            inertia = 0;
            for (int i = 0; i < n; i++) {
                inertia += dist[i] * dist[i];
            }
            if (it == maxIterations || java.util.Arrays.equals(assigned, previous)) {
                break;
            }
            System.arraycopy(assigned, 0, previous, 0, n);
            centers = means(rows, n, d, k, assigned, centers);
            it++;
        }
        return new Result(centers, k, d, inertia, it);
    }

    /** k-means++: the first center uniformly, each next one with probability proportional to D(x)^2. */
    static float[] seed(float[] rows, int n, int d, int k, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] centers = new float[k * d];
        double[] nearest = new double[n];
        int first = rnd.nextInt(n);
        System.arraycopy(rows, first * d, centers, 0, d);
        double total = 0;
        for (int i = 0; i < n; i++) {
            nearest[i] = squared(rows, i, centers, 0, d);
            total += nearest[i];
        }
        for (int c = 1; c < k; c++) {
            int pick = n - 1;
            if (total > 0) {
                double r = rnd.nextDouble() * total;
                for (int i = 0; i < n; i++) {
                    r -= nearest[i];
                    if (r < 0) {
                        pick = i;
                        break;
                    }
                }
            } else {
                pick = rnd.nextInt(n); // every point is already a center: duplicates
            }
            System.arraycopy(rows, pick * d, centers, c * d, d);
            total = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], squared(rows, i, centers, c, d));
                total += nearest[i];
            }
        }
        return centers;
    }

    private static float[] means(float[] rows, int n, int d, int k, int[] assigned, float[] old) {
        double[] sum = new double[k * d];
        long[] count = new long[k];
        for (int i = 0; i < n; i++) {
            int c = assigned[i];
            count[c]++;
            for (int t = 0; t < d; t++) {
                sum[c * d + t] += rows[i * d + t];
            }
        }
        float[] out = new float[k * d];
        for (int c = 0; c < k; c++) {
            for (int t = 0; t < d; t++) {
                out[c * d + t] = count[c] == 0 ? old[c * d + t] : (float) (sum[c * d + t] / count[c]);
            }
        }
        return out;
    }

    private static double squared(float[] rows, int i, float[] centers, int c, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            double diff = (double) rows[i * d + t] - centers[c * d + t];
            s += diff * diff;
        }
        return s;
    }
}
