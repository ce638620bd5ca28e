package dev.coreset.selection.optimize;

import dev.coreset.selection.function.SetFunction;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Stochastic greedy ("lazier than lazy greedy", Mirzasoleiman et al. 2015): each step draws a uniform sample
 * of s = ceil((n / k) ln(1 / epsilon)) of the remaining elements and picks the sample's largest gain (ties to
 * the lowest index). (1 - 1/e - epsilon) of the optimum in expectation.
 *
 * <p>Inside a sample, stale gains from earlier steps are valid upper bounds (gains only shrink), so the
 * sample is evaluated in decreasing bound order and evaluation stops as soon as no remaining bound can beat
 * the best fresh gain: the pick is exactly the plain sample argmax, with far fewer evaluations. With
 * {@code initialBounds} the bounds start from one blocked pass over all gains (n evaluations, cheaper than
 * the n ln(1/epsilon) of the plain method); otherwise from +infinity.
 * Deterministic for a seed: the sample depends only on the seed and the previous picks.
 */
public final class StochasticGreedy implements Optimizer {
    private final double epsilon;
    private final long seed;
    private final boolean initialBounds;
    private final int batch;

    public StochasticGreedy(double epsilon, long seed) {
        this(epsilon, seed, true, 8);
    }

    public StochasticGreedy(double epsilon, long seed, boolean initialBounds, int batch) {
        if (!(epsilon > 0 && epsilon < 1)) throw new IllegalArgumentException("epsilon must be in (0, 1), got " + epsilon);
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        this.epsilon = epsilon;
        this.seed = seed;
        this.initialBounds = initialBounds;
        this.batch = batch;
    }

    /** ceil((n / k) ln(1 / epsilon)), at least 1. */
    public static int sampleSize(int n, int k, double epsilon) {
        if (k <= 0) return 0;
        return (int) Math.max(1, Math.ceil((double) n / k * Math.log(1 / epsilon)));
    }

    @Override
    public SelectionResult maximize(SetFunction f, int k) {
        k = Optimizer.checkK(f, k);
        int n = f.size();
        f.reset();
        int[] picked = new int[k];
        double[] gains = new double[k];
        if (k == 0) return new SelectionResult(picked, gains, f.value());
        double[] bound = new double[n];
        if (initialBounds) {
            f.gainsOfAll(bound);
        } else {
            Arrays.fill(bound, Double.POSITIVE_INFINITY);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] rem = new int[n];
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) {
            rem[i] = i;
            pos[i] = i;
        }
        int remCount = n;
        int s0 = sampleSize(n, k, epsilon);
        Integer[] order = new Integer[Math.min(n, s0)];
        int[] evalIdx = new int[batch];
        double[] evalOut = new double[batch];
        for (int step = 0; step < k; step++) {
            int s = Math.min(s0, remCount);
            // Partial Fisher-Yates: rem[0..s) becomes a uniform sample without replacement.
            for (int j = 0; j < s; j++) {
                int r = j + rnd.nextInt(remCount - j);
                swap(rem, pos, j, r);
            }
            for (int j = 0; j < s; j++) order[j] = rem[j];
            final double[] b = bound;
            Arrays.sort(order, 0, s, (x, y) -> b[x] != b[y] ? Double.compare(b[y], b[x]) : Integer.compare(x, y));
            int best = -1;
            double bestGain = Double.NEGATIVE_INFINITY;
            int next = 0;
            while (next < s) {
                int cand = order[next];
                if (best >= 0 && (bound[cand] < bestGain || (bound[cand] == bestGain && cand > best))) break;
                int m = 0;
                while (m < batch && next < s) evalIdx[m++] = order[next++];
                f.gains(evalIdx, m, evalOut);
                for (int j = 0; j < m; j++) {
                    int c = evalIdx[j];
                    bound[c] = evalOut[j];
                    if (evalOut[j] > bestGain || (evalOut[j] == bestGain && c < best)) {
                        bestGain = evalOut[j];
                        best = c;
                    }
                }
            }
            picked[step] = best;
            gains[step] = bestGain;
            f.add(best);
            swap(rem, pos, pos[best], remCount - 1);
            remCount--;
        }
        return new SelectionResult(picked, gains, f.value());
    }

    private static void swap(int[] rem, int[] pos, int a, int b) {
        int x = rem[a], y = rem[b];
        rem[a] = y;
        rem[b] = x;
        pos[y] = a;
        pos[x] = b;
    }
}
