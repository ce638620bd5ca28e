package dev.coreset.scoring.train.crest;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The rows that later selections may still draw from (indices 0..n-1 into the training rows), and the
 * learned-sample rule: a row whose loss was below the threshold at {@code checks} consecutive measurements is
 * removed; a measurement at or above it resets its count. A row is measured whenever it is in a random subset
 * at a selection or a check; low measurements count at most once per epoch-equivalent (a row stays in the same
 * subsets for a whole region, and several checks within a few steps would otherwise say little about whether
 * it stays learned, as the paper's loss window over epochs does). The pool never shrinks below {@code minSize}
 * rows (so a full random subset can still be drawn); rows that would take it lower stay.
 * <p>Deterministic: draws depend only on the generator and the sequence of removals.
 */
final class CandidatePool {
    private final int[] pool;
    private int size;
    private final int[] position;
    private final int[] lowStreak;
    private final int[] lastCounted; // epoch-equivalent of the row's last counted low measurement
    private final double threshold;
    private final int checks;
    private final int minSize;
    private int dropped;

    /**
     * @param threshold loss below which a measurement counts as learned; 0 turns dropping off
     */
    CandidatePool(int n, double threshold, int checks, int minSize) {
        this.pool = new int[n];
        this.position = new int[n];
        for (int i = 0; i < n; i++) {
            pool[i] = i;
            position[i] = i;
        }
        this.size = n;
        this.lowStreak = new int[n];
        this.lastCounted = new int[n];
        Arrays.fill(lastCounted, -1);
        this.threshold = threshold;
        this.checks = checks;
        this.minSize = minSize;
    }

    int size() {
        return size;
    }

    int dropped() {
        return dropped;
    }

    boolean contains(int row) {
        return position[row] >= 0;
    }

    /** min(r, size) distinct rows drawn uniformly from the pool (partial Fisher-Yates on a scratch copy). */
    int[] draw(int r, SplittableRandom random) {
        int k = Math.min(r, size);
        int[] scratch = Arrays.copyOf(pool, size);
        for (int j = 0; j < k; j++) {
            int pick = j + random.nextInt(size - j);
            int t = scratch[j];
            scratch[j] = scratch[pick];
            scratch[pick] = t;
        }
        return Arrays.copyOf(scratch, k);
    }

    /**
     * Records one loss measurement per row taken in epoch-equivalent {@code epoch} (rows may repeat) and removes
     * the rows that are now learned. Returns the removed rows, in the order they were measured.
     */
    int[] observe(int[] rows, float[] losses, int epoch) {
        if (threshold <= 0) {
            return new int[0];
        }
        int[] removed = new int[rows.length];
        int count = 0;
        for (int j = 0; j < rows.length; j++) {
            int row = rows[j];
            if (position[row] < 0) {
                continue; // already out
            }
            if (losses[j] >= threshold) {
                lowStreak[row] = 0;
                lastCounted[row] = -1;
                continue;
            }
            if (lastCounted[row] == epoch) {
                continue; // already counted in this epoch-equivalent
            }
            lowStreak[row]++;
            lastCounted[row] = epoch;
            if (lowStreak[row] >= checks && size > minSize) {
                remove(row);
                removed[count++] = row;
            }
        }
        dropped += count;
        return Arrays.copyOf(removed, count);
    }

    /** O(1): the last pool entry takes the removed one's place (deterministic like everything else here). */
    private void remove(int row) {
        int p = position[row];
        int last = pool[--size];
        pool[p] = last;
        position[last] = p;
        position[row] = -1;
    }
}
