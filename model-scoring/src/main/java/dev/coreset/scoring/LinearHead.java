package dev.coreset.scoring;

/**
 * The last layer z = W h + b in plain Java: W is C x H (row-major, {@code w[c * H + j]}), b has C entries.
 * Tiny (C x H floats), so executors apply it (and perturbed copies of it for posterior sampling) on the CPU.
 */
public record LinearHead(int numClasses, int inputDim, float[] weight, float[] bias) {
    public LinearHead {
        if (weight.length != numClasses * inputDim || bias.length != numClasses) {
            throw new IllegalArgumentException("head shapes do not match: W " + weight.length + " floats for "
                    + numClasses + "x" + inputDim + ", b " + bias.length);
        }
    }

    /** logits for {@code rows} embeddings {@code h} (rows x H, row-major) into {@code out} (rows x C). */
    public void logits(float[] h, int rows, float[] out) {
        logits(weight, bias, h, rows, out);
    }

    void logits(float[] w, float[] b, float[] h, int rows, float[] out) {
        int hd = inputDim;
        int c = numClasses;
        for (int r = 0; r < rows; r++) {
            int hOff = r * hd;
            for (int k = 0; k < c; k++) {
                int wOff = k * hd;
                double s = b[k];
                for (int j = 0; j < hd; j++) {
                    s += (double) w[wOff + j] * h[hOff + j];
                }
                out[r * c + k] = (float) s;
            }
        }
    }
}
