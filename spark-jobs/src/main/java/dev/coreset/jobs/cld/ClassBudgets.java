package dev.coreset.jobs.cld;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a total budget k over classes in proportion to non-negative weights, never giving a class more
 * than it has: classes whose share exceeds their size get all their samples and the rest is re-split
 * over the others (water filling), then shares are rounded by largest remainder (ties to the lower
 * class index) so they sum exactly to min(k, total size). Spark-free and deterministic.
 */
public final class ClassBudgets {
    private ClassBudgets() {
    }

    /**
     * @param k       total budget
     * @param sizes   samples available per class
     * @param weights share weights per class (uniform: 1, proportional: size, difficulty: size x difficulty);
     *                classes with weight 0 get nothing unless every weight is 0 (then all count as 1)
     * @return the budget of each class, each in [0, sizes[c]]
     */
    public static long[] allocate(long k, long[] sizes, double[] weights) {
        int c = sizes.length;
        if (weights.length != c) {
            throw new IllegalArgumentException("sizes and weights differ in length");
        }
        long[] out = new long[c];
        long total = Arrays.stream(sizes).sum();
        long remaining = Math.min(Math.max(0, k), total);
        double[] w = new double[c];
        boolean anyPositive = false;
        for (int i = 0; i < c; i++) {
            w[i] = sizes[i] > 0 && weights[i] > 0 && Double.isFinite(weights[i]) ? weights[i] : 0.0;
            anyPositive |= w[i] > 0;
        }
        if (!anyPositive) {
            for (int i = 0; i < c; i++) {
                w[i] = sizes[i] > 0 ? 1.0 : 0.0;
            }
        }
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            if (w[i] > 0) {
                active.add(i);
            }
        }
        // Water filling: give full classes everything, re-split the rest over the others.
        boolean changed = true;
        while (changed && remaining > 0 && !active.isEmpty()) {
            changed = false;
            double wsum = active.stream().mapToDouble(i -> w[i]).sum();
            List<Integer> keep = new ArrayList<>();
            for (int i : active) {
                double share = remaining * w[i] / wsum;
                if (share >= sizes[i]) {
                    out[i] = sizes[i];
                    changed = true;
                } else {
                    keep.add(i);
                }
            }
            if (changed) {
                for (int i : active) {
                    if (!keep.contains(i)) {
                        remaining -= out[i];
                    }
                }
                active = keep;
            }
        }
        // If classes with weight 0 exist but weighted ones are all full, the remainder is left unspent only
        // when no class has room: fill by size order as a last resort so the total is still k.
        if (remaining > 0 && active.isEmpty()) {
            for (int i = 0; i < c && remaining > 0; i++) {
                long add = Math.min(remaining, sizes[i] - out[i]);
                out[i] += add;
                remaining -= add;
            }
            return out;
        }
        if (remaining <= 0) {
            return out;
        }
        double wsum = active.stream().mapToDouble(i -> w[i]).sum();
        long given = 0;
        double[] frac = new double[c];
        for (int i : active) {
            double share = remaining * w[i] / wsum;
            long f = (long) Math.floor(share);
            out[i] = f;
            frac[i] = share - f;
            given += f;
        }
        long left = remaining - given;
        Integer[] order = active.toArray(new Integer[0]);
        Arrays.sort(order, (a, b) -> {
            int cmp = Double.compare(frac[b], frac[a]);
            return cmp != 0 ? cmp : Integer.compare(a, b);
        });
        for (int j = 0; left > 0 && j < order.length; j++) {
            int i = order[j];
            if (out[i] < sizes[i]) {
                out[i]++;
                left--;
            }
        }
        return out;
    }
}
