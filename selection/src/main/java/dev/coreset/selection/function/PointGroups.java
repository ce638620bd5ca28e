package dev.coreset.selection.function;

import dev.coreset.selection.assign.NearestCenterAssigner;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;

/**
 * A coarse spatial partition of the points into groups of about {@code targetSize} (a few Lloyd rounds of
 * k-means from evenly spaced rows, so deterministic), with each group's center and radius. Facility
 * location uses it to skip whole groups that a candidate cannot improve (triangle inequality).
 * {@link #order()} lists the points group by group; group g holds positions [start(g), start(g+1)).
 */
public final class PointGroups {
    private static final int LLOYD_ROUNDS = 4;
    /** Points per group in the sample the Lloyd rounds run on. */
    static final int SAMPLE_PER_GROUP = 32;

    private final int[] order;
    private final int[] start;
    private final PointSet centers;
    private final double[] radius;

    private PointGroups(int[] order, int[] start, PointSet centers, double[] radius) {
        this.order = order;
        this.start = start;
        this.centers = centers;
        this.radius = radius;
    }

    public static PointGroups build(PointSet pts, int targetSize, Workers workers) {
        return build(pts, targetSize, Integer.MAX_VALUE, Integer.MAX_VALUE, workers);
    }

    /**
     * Like {@link #build(PointSet, int, Workers)}, and no group holds more than {@code maxSize} points: a larger one
     * (a dense region, such as the many near-zero gradients of well-learnt samples) is split by the same k-means on
     * its own points, or, where that cannot separate them (duplicates), into runs of its points in index order.
     * Splits stop before the groups would number more than {@code maxGroups}.
     */
    public static PointGroups build(PointSet pts, int targetSize, int maxSize, int maxGroups, Workers workers) {
        int n = pts.size();
        int d = pts.dim();
        int g = Math.max(1, n / Math.max(1, targetSize));
        int[] assign = lloyd(pts, g, workers);
        g = splitLarge(pts, assign, g, targetSize, maxSize, maxGroups, workers);
        // Counting sort by group keeps the original order inside a group; empty groups vanish.
        int[] count = new int[g];
        for (int a : assign) count[a]++;
        int groups = 0;
        int[] remap = new int[g];
        for (int j = 0; j < g; j++) remap[j] = count[j] > 0 ? groups++ : -1;
        int[] start = new int[groups + 1];
        for (int j = 0; j < g; j++) if (count[j] > 0) start[remap[j] + 1] = count[j];
        for (int j = 0; j < groups; j++) start[j + 1] += start[j];
        int[] fill = java.util.Arrays.copyOf(start, groups);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[fill[remap[assign[i]]]++] = i;
        // Exact centers and radii (double) of the final groups.
        float[] centers = new float[Math.max(1, groups) * d];
        double[] radius = new double[groups];
        for (int j = 0; j < groups; j++) {
            double[] m = new double[d];
            for (int p = start[j]; p < start[j + 1]; p++) {
                for (int t = 0; t < d; t++) m[t] += pts.rows()[order[p] * d + t];
            }
            int size = start[j + 1] - start[j];
            for (int t = 0; t < d; t++) centers[j * d + t] = (float) (m[t] / size);
            double r = 0;
            for (int p = start[j]; p < start[j + 1]; p++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    double diff = pts.rows()[order[p] * d + t] - (double) centers[j * d + t];
                    s += diff * diff;
                }
                r = Math.max(r, Math.sqrt(s));
            }
            radius[j] = r;
        }
        return new PointGroups(order, start, PointSet.of(centers, groups, d), radius);
    }

    /**
     * Each point's group among g (all 0 when g = 1): {@value #LLOYD_ROUNDS} Lloyd rounds from evenly spaced rows on an
     * evenly spaced sample of {@value #SAMPLE_PER_GROUP} x g points, then every point to its nearest center.
     */
    private static int[] lloyd(PointSet pts, int g, Workers workers) {
        int n = pts.size();
        int d = pts.dim();
        int[] assign = new int[n];
        if (g > 1) {
            float[] c = new float[g * d];
            for (int j = 0; j < g; j++) {
                System.arraycopy(pts.rows(), (int) ((long) j * n / g) * d, c, j * d, d);
            }
            // The centers move on an evenly spaced sample (the groups only steer pruning); every point is assigned.
            int sampleSize = (int) Math.min(n, (long) SAMPLE_PER_GROUP * g);
            int[] rowsOf = new int[sampleSize];
            for (int i = 0; i < sampleSize; i++) rowsOf[i] = (int) ((long) i * n / sampleSize);
            PointSet sample = sampleSize == n ? pts : pts.subset(rowsOf);
            int[] sampleAssign = new int[sampleSize];
            double[] dist = new double[n];
            for (int round = 0; round < LLOYD_ROUNDS; round++) {
                NearestCenterAssigner.bruteForce(c, g, d, workers).assign(sample.rows(), sampleSize, sampleAssign, dist);
                c = means(sample, sampleAssign, g, c);
            }
            NearestCenterAssigner.bruteForce(c, g, d, workers).assign(pts.rows(), n, assign, dist);
        }
        return assign;
    }

    /**
     * Splits every group of more than maxSize points into about size / targetSize new ones (labels g, g+1, ...);
     * returns the new number of labels.
     */
    private static int splitLarge(PointSet pts, int[] assign, int g, int targetSize, int maxSize, int maxGroups,
                                  Workers workers) {
        int[] count = new int[g];
        for (int a : assign) count[a]++;
        int labels = g;
        for (int j = 0; j < g; j++) {
            if (count[j] <= maxSize) continue;
            int[] members = new int[count[j]];
            int m = 0;
            for (int i = 0; i < assign.length; i++) if (assign[i] == j) members[m++] = i;
            int parts = (m + targetSize - 1) / targetSize;
            if ((long) labels + parts - 1 > maxGroups) break;
            int[] sub = lloyd(pts.subset(members), parts, workers);
            int[] subCount = new int[parts];
            for (int s : sub) subCount[s]++;
            int largest = 0;
            for (int c : subCount) largest = Math.max(largest, c);
            if (largest > maxSize) {
                // k-means could not separate them: consecutive runs of equal size.
                for (int i = 0; i < m; i++) sub[i] = (int) ((long) i * parts / m);
            }
            for (int i = 0; i < m; i++) assign[members[i]] = sub[i] == 0 ? j : labels + sub[i] - 1;
            labels += parts - 1;
        }
        return labels;
    }

    private static float[] means(PointSet pts, int[] assign, int g, float[] previous) {
        int d = pts.dim();
        double[] sum = new double[g * d];
        int[] count = new int[g];
        for (int i = 0; i < pts.size(); i++) {
            int a = assign[i];
            count[a]++;
            for (int t = 0; t < d; t++) sum[a * d + t] += pts.rows()[i * d + t];
        }
        float[] c = previous.clone();
        for (int j = 0; j < g; j++) {
            if (count[j] == 0) continue; // keep an empty group's old center
            for (int t = 0; t < d; t++) c[j * d + t] = (float) (sum[j * d + t] / count[j]);
        }
        return c;
    }

    public int count() { return start.length - 1; }
    public int[] order() { return order; }
    public int start(int g) { return start[g]; }
    public int end(int g) { return start[g + 1]; }
    public PointSet centers() { return centers; }
    public double radius(int g) { return radius[g]; }
}
