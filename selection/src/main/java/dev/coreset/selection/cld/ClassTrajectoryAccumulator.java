package dev.coreset.selection.cld;

/**
 * Per-class mean validation loss trajectories in one streaming pass: add each validation sample's loss
 * trajectory with its class, then read the means. Sums are kept in double; mergeable (for Spark aggregate).
 * A class that received no sample has no mean ({@link #mean} throws).
 */
public final class ClassTrajectoryAccumulator {
    private final int checkpoints;
    private final double[][] sums;
    private final long[] counts;

    public ClassTrajectoryAccumulator(int classes, int checkpoints) {
        if (classes <= 0 || checkpoints <= 0) throw new IllegalArgumentException("need classes > 0 and checkpoints > 0");
        this.checkpoints = checkpoints;
        this.sums = new double[classes][checkpoints];
        this.counts = new long[classes];
    }

    public void add(int label, float[] loss) {
        if (loss.length != checkpoints) {
            throw new IllegalArgumentException("expected " + checkpoints + " checkpoints, got " + loss.length);
        }
        double[] s = sums[label];
        for (int t = 0; t < checkpoints; t++) s[t] += loss[t];
        counts[label]++;
    }

    /** Adds another accumulator's sums into this one; returns this. */
    public ClassTrajectoryAccumulator merge(ClassTrajectoryAccumulator other) {
        if (other.sums.length != sums.length || other.checkpoints != checkpoints) {
            throw new IllegalArgumentException("shape mismatch");
        }
        for (int c = 0; c < sums.length; c++) {
            for (int t = 0; t < checkpoints; t++) sums[c][t] += other.sums[c][t];
            counts[c] += other.counts[c];
        }
        return this;
    }

    public long count(int label) {
        return counts[label];
    }

    public double[] mean(int label) {
        if (counts[label] == 0) throw new IllegalStateException("class " + label + " has no validation samples");
        double[] m = new double[checkpoints];
        for (int t = 0; t < checkpoints; t++) m[t] = sums[label][t] / counts[label];
        return m;
    }

    /** Means of every class (a class with no sample gets null). */
    public double[][] means() {
        double[][] out = new double[sums.length][];
        for (int c = 0; c < sums.length; c++) out[c] = counts[c] == 0 ? null : mean(c);
        return out;
    }
}
