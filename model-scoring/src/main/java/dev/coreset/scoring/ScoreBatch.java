package dev.coreset.scoring;

import java.util.Arrays;

/**
 * Scores of one batch, row i for input row i. With posterior sampling loss, margin, el2n, entropy and the
 * embedding are means over the draws; {@code predicted}/{@code correct} always come from the unperturbed model.
 *
 * <ul>
 *   <li>loss: softmax cross-entropy -log p_y (natural log);</li>
 *   <li>margin: probability margin p_y - max_{c != y} p_c, in [-1, 1] (negative = misclassified);</li>
 *   <li>el2n: ||softmax(z) - onehot(y)||_2;</li>
 *   <li>entropy: -sum_c p_c log p_c;</li>
 *   <li>embedding: rows x embeddingDim, row-major (null when no embedding was asked for).</li>
 * </ul>
 */
public record ScoreBatch(int rows, int numClasses, float[] loss, float[] margin, float[] el2n, float[] entropy,
                         int[] predicted, boolean[] correct, float[] embedding, int embeddingDim, int draws) {

    public float[] embeddingRow(int row) {
        if (embedding == null) {
            return null;
        }
        return Arrays.copyOfRange(embedding, row * embeddingDim, (row + 1) * embeddingDim);
    }
}
