package dev.coreset.selection.function;

import java.util.Arrays;

/**
 * Per candidate (by point position), the points it can still improve and its similarity to each, sorted by
 * position: a sparse row of the similarity matrix. The allocated arrays never exceed a byte budget; a candidate
 * whose list would not fit simply has none. Lists only ever shrink (entries are dropped in place).
 */
final class ContributorLists {
    /** Array headers of one list (two arrays), counted against the budget. */
    private static final long OVERHEAD = 40;

    private final int[][] positions;
    private final float[][] similarities;
    private final int[] lengths;
    private final long budgetBytes;
    private long usedBytes;

    ContributorLists(int n, long budgetBytes) {
        this.positions = new int[n][];
        this.similarities = new float[n][];
        this.lengths = new int[n];
        this.budgetBytes = budgetBytes;
    }

    boolean has(int p) {
        return positions[p] != null;
    }

    int length(int p) {
        return lengths[p];
    }

    int[] positions(int p) {
        return positions[p];
    }

    float[] similarities(int p) {
        return similarities[p];
    }

    /** Whether a list of {@code count} entries would fit in what is left of the budget. */
    boolean fits(int count) {
        return usedBytes + OVERHEAD + 8L * count <= budgetBytes;
    }

    /**
     * Takes arrays built for p's list alone (their length is its length) as its list, replacing any it had; false
     * (and nothing stored) when they do not fit.
     */
    boolean store(int p, int[] pos, float[] sim) {
        int count = pos.length;
        if (!fits(count)) return false;
        drop(p);
        positions[p] = pos;
        similarities[p] = sim;
        lengths[p] = count;
        usedBytes += OVERHEAD + 8L * count;
        return true;
    }

    /**
     * Keeps the first count entries (the caller compacted the arrays in place); a list that fell below half its
     * allocation is copied into a smaller one, so the budget follows the entries still held.
     */
    void truncate(int p, int count) {
        lengths[p] = count;
        int capacity = positions[p].length;
        if (count < capacity / 2) {
            positions[p] = Arrays.copyOf(positions[p], count);
            similarities[p] = Arrays.copyOf(similarities[p], count);
            usedBytes -= 8L * (capacity - count);
        }
    }

    void drop(int p) {
        if (positions[p] == null) return;
        usedBytes -= OVERHEAD + 8L * positions[p].length;
        positions[p] = null;
        similarities[p] = null;
        lengths[p] = 0;
    }

    void clear() {
        Arrays.fill(positions, null);
        Arrays.fill(similarities, null);
        Arrays.fill(lengths, 0);
        usedBytes = 0;
    }

    long usedBytes() {
        return usedBytes;
    }
}
