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
        int n = pts.size();
        int d = pts.dim();
        int g = Math.max(1, n / Math.max(1, targetSize));
        int[] assign = new int[n];
        if (g > 1) {
            float[] c = new float[g * d];
            for (int j = 0; j < g; j++) {
                System.arraycopy(pts.rows(), (int) ((long) j * n / g) * d, c, j * d, d);
            }
            double[] dist = new double[n];
            for (int round = 0; round < LLOYD_ROUNDS; round++) {
                NearestCenterAssigner.bruteForce(c, g, d, workers).assign(pts.rows(), n, assign, dist);
                c = means(pts, assign, g, c);
            }
            NearestCenterAssigner.bruteForce(c, g, d, workers).assign(pts.rows(), n, assign, dist);
        }
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
