package dev.coreset.scoring.train.crest;

/**
 * One mini-batch coreset: {@code rows} (indices into the training rows, in greedy order) and their CRAIG weights
 * (how many rows of the random subset have each as their nearest selected gradient; they sum to the subset size).
 * The weights scale the per-sample losses of the training step (sum w l / sum w).
 */
public record MiniBatchCoreset(int[] rows, float[] weights) {
    public int size() {
        return rows.length;
    }
}
