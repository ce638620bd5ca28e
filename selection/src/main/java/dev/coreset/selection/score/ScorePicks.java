package dev.coreset.selection.score;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks by a single score per sample, and seeded random picks; all deterministic. */
public final class ScorePicks {
    private ScorePicks() {
    }

    /** Indices of the k largest scores, largest first; ties to the lowest index. NaN scores are never picked first. */
    public static int[] topK(double[] scores, int k) {
        return pick(scores, k, true);
    }

    /** Indices of the k smallest scores, smallest first; ties to the lowest index. */
    public static int[] bottomK(double[] scores, int k) {
        return pick(scores, k, false);
    }

    /** Like {@link #topK} but ties broken by the smaller id (ids[i] is the id of score i), returns indices. */
    public static int[] topK(double[] scores, long[] ids, int k) {
        return pickById(scores, ids, k, true);
    }

    public static int[] bottomK(double[] scores, long[] ids, int k) {
        return pickById(scores, ids, k, false);
    }

    private static int[] pick(double[] scores, int k, boolean largest) {
        long[] ids = new long[scores.length];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        return pickById(scores, ids, k, largest);
    }

    private static int[] pickById(double[] scores, long[] ids, int k, boolean largest) {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        if (ids.length != scores.length) throw new IllegalArgumentException("ids and scores differ in length");
        k = Math.min(k, scores.length);
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> {
            double sa = scores[a], sb = scores[b];
            boolean na = Double.isNaN(sa), nb = Double.isNaN(sb);
            if (na != nb) return na ? 1 : -1; // NaN last
            int c = largest ? Double.compare(sb, sa) : Double.compare(sa, sb);
            return c != 0 ? c : Long.compare(ids[a], ids[b]);
        });
        int[] out = new int[k];
        for (int j = 0; j < k; j++) out[j] = idx[j];
        return out;
    }

    /** k distinct indices of 0..n-1, uniformly at random for a seed, ascending. */
    public static int[] randomK(int n, int k, long seed) {
        int[] out = randomOrder(n, k, seed);
        Arrays.sort(out);
        return out;
    }

    /** k distinct indices of 0..n-1, uniformly at random for a seed, in draw order (a partial Fisher-Yates shuffle). */
    public static int[] randomOrder(int n, int k, long seed) {
        if (k < 0 || n < 0) throw new IllegalArgumentException("need n, k >= 0");
        k = Math.min(k, n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int j = 0; j < k; j++) {
            int r = j + rnd.nextInt(n - j);
            int t = perm[j];
            perm[j] = perm[r];
            perm[r] = t;
        }
        return Arrays.copyOf(perm, k);
    }

    /**
     * Stratified random pick: budgets[c] samples from class c (labels[i] in 0..C-1), uniformly at random within
     * the class, for a seed (each class uses its own stream derived from the seed). Returns row indices, ascending.
     */
    public static int[] stratifiedRandom(int[] labels, int[] budgets, long seed) {
        int classes = budgets.length;
        int[] counts = new int[classes];
        for (int l : labels) {
            if (l < 0 || l >= classes) throw new IllegalArgumentException("label out of range: " + l);
            counts[l]++;
        }
        int[][] rows = new int[classes][];
        for (int c = 0; c < classes; c++) {
            if (budgets[c] > counts[c]) {
                throw new IllegalArgumentException("budget " + budgets[c] + " exceeds class " + c + " size " + counts[c]);
            }
            rows[c] = new int[counts[c]];
        }
        int[] fill = new int[classes];
        for (int i = 0; i < labels.length; i++) rows[labels[i]][fill[labels[i]]++] = i;
        SplittableRandom root = new SplittableRandom(seed);
        int total = 0;
        for (int b : budgets) total += b;
        int[] out = new int[total];
        int o = 0;
        for (int c = 0; c < classes; c++) {
            long classSeed = root.nextLong();
            for (int j : randomK(counts[c], budgets[c], classSeed)) out[o++] = rows[c][j];
        }
        Arrays.sort(out);
        return out;
    }
}
