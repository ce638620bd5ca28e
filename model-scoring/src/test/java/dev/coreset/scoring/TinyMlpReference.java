package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tiny two-layer model the external-model tests write (ONNX, TorchScript): h = relu(x W1^T + b1) [N, H],
 * logits = h W2^T + b2 [N, C], outputs (logits, h). Checks a scorer's loss, EL2N and last-layer gradients against a
 * double-precision computation of the same model.
 */
record TinyMlpReference(float[] w1, float[] b1, float[] w2, float[] b2, int d, int h, int c) {
    void assertScores(ScoreBatch b, float[] x, int[] y) {
        int rows = y.length;
        for (int i = 0; i < rows; i++) {
            double[] hid = new double[h];
            for (int j = 0; j < h; j++) {
                double s = b1[j];
                for (int k = 0; k < d; k++) {
                    s += w1[j * d + k] * x[i * d + k];
                }
                hid[j] = Math.max(0, s);
            }
            double[] z = new double[c];
            double max = -1e30;
            for (int k = 0; k < c; k++) {
                z[k] = b2[k];
                for (int j = 0; j < h; j++) {
                    z[k] += w2[k * h + j] * hid[j];
                }
                max = Math.max(max, z[k]);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                sum += Math.exp(z[k] - max);
            }
            assertEquals(max + Math.log(sum) - z[y[i]], b.loss()[i], 1e-5, "loss of row " + i);
            double el2n = 0;
            for (int k = 0; k < c; k++) {
                double e = Math.exp(z[k] - max) / sum - (k == y[i] ? 1 : 0);
                el2n += e * e;
                for (int j = 0; j < h; j++) {
                    assertEquals(e * hid[j], b.embedding()[i * c * h + k * h + j], 1e-5, "gradient of row " + i);
                }
            }
            assertEquals(Math.sqrt(el2n), b.el2n()[i], 1e-5, "EL2N of row " + i);
        }
    }
}
