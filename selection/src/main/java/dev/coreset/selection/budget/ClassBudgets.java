package dev.coreset.selection.budget;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-class budgets. Every mode returns budgets that never exceed the class sizes and sum exactly to the
 * requested total (min(total, n)). Rounding is largest remainder with ties to the lower class index, so the
 * result is deterministic. Amounts a class cannot take (capped at its size) are redistributed to the others
 * in proportion to the same weights, repeatedly, until everything is placed.
 */
public final class ClassBudgets {
    private ClassBudgets() {
    }

    /** NUCS winsorizes per-sample difficulty at these quantiles before the class mean ({@link #classDifficulty}). */
    public static final double WINSOR_LOW = 0.05;
    public static final double WINSOR_HIGH = 0.95;

    /** Total budget for a fraction of n: round(fraction x n), at least 1. fraction must be in (0, 1]. */
    public static int totalForFraction(int n, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
        return (int) Math.max(1, Math.min(n, Math.round(fraction * n)));
    }

    /** UNIFORM or PROPORTIONAL budgets for a fraction of all samples. */
    public static int[] forFraction(int[] classSizes, double fraction, BudgetMode mode) {
        checkSizes(classSizes);
        int total = totalForFraction(sum(classSizes), fraction);
        return allocate(classSizes, total, mode, null);
    }

    /** N per class (UNIFORM semantics, capped by class sizes; no redistribution beyond N per class). */
    public static int[] perClass(int[] classSizes, int perClassN) {
        checkSizes(classSizes);
        if (perClassN <= 0) throw new IllegalArgumentException("per-class N must be > 0, got " + perClassN);
        int[] out = new int[classSizes.length];
        for (int c = 0; c < out.length; c++) out[c] = Math.min(perClassN, classSizes[c]);
        return out;
    }

    /**
     * Splits {@code total} over classes.
     *
     * @param difficulty for DIFFICULTY: per-class difficulty (e.g. {@link #classDifficulty}); ignored otherwise
     */
    public static int[] allocate(int[] classSizes, int total, BudgetMode mode, double[] difficulty) {
        checkSizes(classSizes);
        if (total <= 0) throw new IllegalArgumentException("total budget must be > 0, got " + total);
        int n = sum(classSizes);
        total = Math.min(total, n);
        double[] w = new double[classSizes.length];
        for (int c = 0; c < w.length; c++) {
            w[c] = switch (mode) {
                case UNIFORM -> 1.0;
                case PROPORTIONAL -> classSizes[c];
                case DIFFICULTY -> {
                    if (difficulty == null || difficulty.length != classSizes.length) {
                        throw new IllegalArgumentException("DIFFICULTY needs one difficulty per class");
                    }
                    if (!(difficulty[c] >= 0) || Double.isInfinite(difficulty[c])) {
                        throw new IllegalArgumentException("class difficulty must be finite and >= 0, class " + c
                                + ": " + difficulty[c]);
                    }
                    yield classSizes[c] * difficulty[c];
                }
            };
        }
        return waterFill(classSizes, total, w);
    }

    /** DIFFICULTY budgets for a fraction, with per-sample difficulty scores grouped by class. */
    public static int[] forFractionByDifficulty(double[][] scoresPerClass, double fraction) {
        int[] sizes = new int[scoresPerClass.length];
        double[] diff = new double[sizes.length];
        for (int c = 0; c < sizes.length; c++) {
            sizes[c] = scoresPerClass[c].length;
            if (sizes[c] > 0) diff[c] = classDifficulty(scoresPerClass[c], WINSOR_LOW, WINSOR_HIGH);
        }
        checkSizes(sizes);
        return allocate(sizes, totalForFraction(sum(sizes), fraction), BudgetMode.DIFFICULTY, diff);
    }

    /**
     * NUCS class difficulty: the winsorized mean of the per-sample scores (values below the {@code lowQ}
     * quantile are raised to it, above {@code highQ} lowered to it), robust to a few extreme samples.
     */
    public static double classDifficulty(double[] scores, double lowQ, double highQ) {
        if (scores.length == 0) throw new IllegalArgumentException("empty class");
        if (!(0 <= lowQ && lowQ <= highQ && highQ <= 1)) throw new IllegalArgumentException("need 0 <= lowQ <= highQ <= 1");
        double[] s = scores.clone();
        Arrays.sort(s);
        double lo = s[(int) Math.floor(lowQ * (s.length - 1))];
        double hi = s[(int) Math.ceil(highQ * (s.length - 1))];
        double sum = 0;
        for (double v : scores) sum += Math.min(hi, Math.max(lo, v));
        return sum / scores.length;
    }

    /** Map form of {@link #forFraction}: keys in the map's iteration order. */
    public static <K> Map<K, Integer> forFraction(Map<K, Integer> classSizes, double fraction, BudgetMode mode) {
        int[] sizes = classSizes.values().stream().mapToInt(Integer::intValue).toArray();
        int[] b = forFraction(sizes, fraction, mode);
        Map<K, Integer> out = new LinkedHashMap<>();
        int c = 0;
        for (K key : classSizes.keySet()) out.put(key, b[c++]);
        return out;
    }

    /**
     * Proportional to w with largest-remainder rounding, capped by size; what capped classes cannot take is
     * re-split over the uncapped ones by the same rule until placed. Zero total weight splits evenly.
     */
    static int[] waterFill(int[] sizes, int total, double[] w) {
        int k = sizes.length;
        int[] out = new int[k];
        int left = total;
        boolean[] full = new boolean[k];
        while (left > 0) {
            double wsum = 0;
            int open = 0;
            for (int c = 0; c < k; c++) {
                if (!full[c]) {
                    wsum += w[c];
                    open++;
                }
            }
            if (open == 0) break;
            double[] share = new double[k];
            for (int c = 0; c < k; c++) {
                if (full[c]) continue;
                share[c] = wsum > 0 ? left * w[c] / wsum : (double) left / open;
            }
            int[] add = largestRemainder(share, left, full);
            boolean capped = false;
            int placed = 0;
            for (int c = 0; c < k; c++) {
                if (full[c]) continue;
                int room = sizes[c] - out[c];
                int take = Math.min(room, add[c]);
                out[c] += take;
                placed += take;
                if (out[c] == sizes[c]) {
                    full[c] = true;
                    if (add[c] >= room) capped = true;
                }
            }
            left -= placed;
            if (!capped && placed == 0) {
                // All remaining weight sits on zero-weight classes: spread evenly over the open ones.
                Arrays.fill(w, 1.0);
            }
        }
        return out;
    }

    /** Floors of share, plus one for the largest fractional parts (ties to the lower index) to reach total. */
    private static int[] largestRemainder(double[] share, int total, boolean[] skip) {
        int k = share.length;
        int[] out = new int[k];
        int sum = 0;
        Integer[] idx = new Integer[k];
        for (int c = 0; c < k; c++) {
            idx[c] = c;
            if (skip[c]) continue;
            out[c] = (int) Math.floor(share[c]);
            sum += out[c];
        }
        Arrays.sort(idx, (a, b) -> {
            double ra = skip[a] ? -1 : share[a] - Math.floor(share[a]);
            double rb = skip[b] ? -1 : share[b] - Math.floor(share[b]);
            return ra != rb ? Double.compare(rb, ra) : Integer.compare(a, b);
        });
        for (int j = 0; sum < total && j < k; j++) {
            if (skip[idx[j]]) continue;
            out[idx[j]]++;
            sum++;
        }
        return out;
    }

    private static void checkSizes(int[] sizes) {
        if (sizes.length == 0) throw new IllegalArgumentException("no classes");
        for (int c = 0; c < sizes.length; c++) {
            if (sizes[c] <= 0) throw new IllegalArgumentException("class " + c + " is empty (size " + sizes[c] + ")");
        }
    }

    private static int sum(int[] a) {
        int s = 0;
        for (int v : a) s += v;
        return s;
    }
}
