package dev.coreset.scoring;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A tiny text classifier with known weights: logits = mean of the embedding rows its token ids pick, times w^T, plus
 * b. Tests write it as TorchScript ({@link TinyTorchScript#writeTextModel}) and check the scorer's losses against
 * {@link #loss} in double precision.
 */
public record TinyTextReference(float[] embedding, float[] w, float[] b, int v, int d, int c) {

    public static TinyTextReference sixtyFourths(SplittableRandom r, int v, int d, int c) {
        return new TinyTextReference(TinyMlpReference.sixtyFourths(r, v * d), TinyMlpReference.sixtyFourths(r, c * d),
                TinyMlpReference.sixtyFourths(r, c), v, d, c);
    }

    public Path write(Path file) throws IOException {
        return TinyTorchScript.writeTextModel(file, embedding, v, d, w, b, c);
    }

    /** Cross-entropy of {@code label} for these ids (every id counts in the mean, padding included). */
    public double loss(int[] ids, int label) {
        double[] h = new double[d];
        for (int id : ids) {
            for (int k = 0; k < d; k++) {
                h[k] += embedding[id * d + k] / (double) ids.length;
            }
        }
        double[] z = new double[c];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) {
            z[j] = b[j];
            for (int k = 0; k < d; k++) {
                z[j] += w[j * d + k] * h[k];
            }
            max = Math.max(max, z[j]);
        }
        double sum = 0;
        for (double x : z) {
            sum += Math.exp(x - max);
        }
        return max + Math.log(sum) - z[label];
    }
}
