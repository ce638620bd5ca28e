package dev.coreset.scoring;

/** log sum_k exp(z_k) of one row of logits, computed stably (max subtracted) in double. */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    /** logZ of logits z[offset .. offset + classes); log softmax_k = z_k - logZ. */
    public static double logPartition(float[] z, int offset, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, z[offset + k]);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(z[offset + k] - max);
        }
        return max + Math.log(sum);
    }
}
