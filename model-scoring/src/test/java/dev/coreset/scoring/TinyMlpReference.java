package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

/**
 * The tiny two-layer model the external-model tests write (ONNX, TorchScript): h = relu(x W1^T + b1) [N, H],
 * logits = h W2^T + b2 [N, C], outputs (logits, h). Computes its scores in double precision, to check a scorer's
 * loss, EL2N and last-layer gradients against. Public for spark-jobs' tests (model-scoring's test jar).
 */
public record TinyMlpReference(float[] w1, float[] b1, float[] w2, float[] b2, int d, int h, int c) {
    /** Weights that are multiples of 1/64 in [-1, 1]: exact in float and in decimal literals. */
    public static TinyMlpReference sixtyFourths(long seed, int d, int h, int c) {
        SplittableRandom r = new SplittableRandom(seed);
        return new TinyMlpReference(sixtyFourths(r, h * d), sixtyFourths(r, h), sixtyFourths(r, c * h),
                sixtyFourths(r, c), d, h, c);
    }

    public static float[] sixtyFourths(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextInt(129) - 64) / 64f;
        }
        return v;
    }

    /** The hidden activation of row {@code i} of {@code x}. */
    public double[] hidden(float[] x, int i) {
        double[] hid = new double[h];
        for (int j = 0; j < h; j++) {
            double s = b1[j];
            for (int k = 0; k < d; k++) {
                s += w1[j * d + k] * x[i * d + k];
            }
            hid[j] = Math.max(0, s);
        }
        return hid;
    }

    /** Softmax of the logits of row {@code i}. */
    public double[] probabilities(float[] x, int i) {
        double[] hid = hidden(x, i);
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
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < c; k++) {
            z[k] /= sum;
        }
        return z;
    }

    /** Cross-entropy of row {@code i} with label {@code y}. */
    public double loss(float[] x, int i, int y) {
        return -Math.log(probabilities(x, i)[y]);
    }

    public void assertScores(ScoreBatch b, float[] x, int[] y) {
        for (int i = 0; i < y.length; i++) {
            double[] hid = hidden(x, i);
            double[] p = probabilities(x, i);
            assertEquals(-Math.log(p[y[i]]), b.loss()[i], 1e-5, "loss of row " + i);
            double el2n = 0;
            for (int k = 0; k < c; k++) {
                double e = p[k] - (k == y[i] ? 1 : 0);
                el2n += e * e;
                for (int j = 0; j < h; j++) {
                    assertEquals(e * hid[j], b.embedding()[i * c * h + k * h + j], 1e-5, "gradient of row " + i);
                }
            }
            assertEquals(Math.sqrt(el2n), b.el2n()[i], 1e-5, "EL2N of row " + i);
        }
    }
}
