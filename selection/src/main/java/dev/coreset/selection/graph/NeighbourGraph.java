package dev.coreset.selection.graph;

import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Queries;
import dev.coreset.selection.kernel.Workers;
import java.util.Arrays;

/**
 * The k-nearest-neighbour graph of one part's points (Euclidean), as D2-Pruning uses it: each point's k nearest
 * other points and their distances, nearest first (ties to the lower index). Built from blocked distance rows
 * ({@link BlockKernel}) a few queries at a time, so memory is O(n k) plus one block of rows per thread, never
 * n x n. Deterministic: the kernel's values do not depend on the blocking or the thread split.
 */
public final class NeighbourGraph {
    /** Queries per kernel block. */
    private static final int BLOCK = 32;

    private final int n;
    private final int k;
    private final int[] neighbours;
    private final float[] distances;

    private NeighbourGraph(int n, int k, int[] neighbours, float[] distances) {
        this.n = n;
        this.k = k;
        this.neighbours = neighbours;
        this.distances = distances;
    }

    /** Each point's min(k, n - 1) nearest other points. */
    public static NeighbourGraph build(PointSet pts, int k, Workers workers) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int n = pts.size();
        int kk = Math.min(k, Math.max(0, n - 1));
        int[] nbr = new int[n * kk];
        float[] dist = new float[n * kk];
        int stride = pts.paddedSize();
        int blocks = (n + BLOCK - 1) / BLOCK;
        ThreadLocal<float[]> buffers = ThreadLocal.withInitial(() -> new float[BLOCK * stride]);
        workers.run(blocks, b -> {
            int from = b * BLOCK;
            int to = Math.min(n, from + BLOCK);
            int[] rows = new int[to - from];
            for (int j = 0; j < rows.length; j++) {
                rows[j] = from + j;
            }
            float[] out = buffers.get();
            BlockKernel.computeRange(pts, Queries.ofRows(pts, rows, rows.length), BlockKernel.Output.DIST, 0f, out,
                    stride, 0, n);
            for (int j = 0; j < rows.length; j++) {
                nearest(out, j * stride, n, rows[j], kk, nbr, dist, rows[j] * kk);
            }
        });
        return new NeighbourGraph(n, kk, nbr, dist);
    }

    /** The kk smallest of row[base .. base + n) other than {@code self}, ascending, ties to the lower index. */
    private static void nearest(float[] row, int base, int n, int self, int kk, int[] nbr, float[] dist, int at) {
        if (kk == 0) {
            return;
        }
        int filled = 0;
        for (int i = 0; i < n; i++) {
            if (i == self) {
                continue;
            }
            float d = Math.max(0f, row[base + i]);
            if (filled == kk && !(d < dist[at + kk - 1])) {
                continue;
            }
            int pos = filled == kk ? kk - 1 : filled++;
            while (pos > 0 && d < dist[at + pos - 1]) { // strict: an equal distance stays behind the lower index
                dist[at + pos] = dist[at + pos - 1];
                nbr[at + pos] = nbr[at + pos - 1];
                pos--;
            }
            dist[at + pos] = d;
            nbr[at + pos] = i;
        }
    }

    /** Points in the graph. */
    public int size() {
        return n;
    }

    /** Neighbours per point: min(k, n - 1). */
    public int degree() {
        return k;
    }

    /** The j-th nearest neighbour of point i. */
    public int neighbour(int i, int j) {
        return neighbours[i * k + j];
    }

    /** Its distance. */
    public float distance(int i, int j) {
        return distances[i * k + j];
    }

    /** The mean distance over every edge (1 when there are none or all are 0): the scale D2 divides distances by. */
    public double meanDistance() {
        double s = 0;
        for (float d : distances) {
            s += d;
        }
        double m = distances.length == 0 ? 0 : s / distances.length;
        return m > 0 ? m : 1;
    }

    @Override
    public String toString() {
        return "NeighbourGraph[n=" + n + ", k=" + k + ", first=" + Arrays.toString(Arrays.copyOf(neighbours,
                Math.min(k, neighbours.length))) + "]";
    }
}
