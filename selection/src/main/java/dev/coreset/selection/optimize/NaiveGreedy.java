package dev.coreset.selection.optimize;

import dev.coreset.selection.function.SetFunction;

/**
 * Plain greedy: at each step evaluate every remaining element and take the largest gain, ties to the lowest
 * index. O(nk) gain evaluations; the reference the faster optimizers are tested against.
 */
public final class NaiveGreedy implements Optimizer {
    @Override
    public SelectionResult maximize(SetFunction f, int k) {
        k = Optimizer.checkK(f, k);
        int n = f.size();
        f.reset();
        int[] remaining = new int[n];
        for (int i = 0; i < n; i++) remaining[i] = i;
        int remCount = n;
        double[] g = new double[n];
        int[] picked = new int[k];
        double[] gains = new double[k];
        for (int step = 0; step < k; step++) {
            f.gains(remaining, remCount, g);
            int best = 0;
            for (int j = 1; j < remCount; j++) {
                if (g[j] > g[best]) best = j; // remaining stays sorted, so ties keep the lowest index
            }
            picked[step] = remaining[best];
            gains[step] = g[best];
            f.add(remaining[best]);
            System.arraycopy(remaining, best + 1, remaining, best, remCount - best - 1);
            remCount--;
        }
        return new SelectionResult(picked, gains, f.value());
    }
}
