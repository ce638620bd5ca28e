package dev.coreset.scoring.train.crest;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.scoring.ForwardOutput;
import dev.coreset.scoring.LinearHead;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The quadratic model against the true cross-entropy of a moved last layer (h fixed), computed directly. */
class LastLayerQuadraticTest {
    static final int N = 40;
    static final int C = 4;
    static final int H = 6;

    @Test
    void isExactAtTheSelectionPointAndSecondOrderAccurateAroundIt() {
        SplittableRandom r = new SplittableRandom(3);
        float[] h = new float[N * H];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) Math.max(0, r.nextGaussian());
        }
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(C);
        }
        LinearHead head0 = randomHead(r, 0.5);
        float[] logits = new float[N * C];
        head0.logits(h, N, logits);
        LastLayerQuadratic q = LastLayerQuadratic.at(new ForwardOutput(N, logits, C, h, H), y, head0);
        assertEquals(trueLoss(head0, h, y), q.loss0(), 1e-6);
        assertEquals(q.loss0(), q.predict(head0), 0);

        LinearHead direction = randomHead(r, 1);
        double[] errors = new double[4];
        double eps = 0.2;
        for (int t = 0; t < errors.length; t++, eps /= 2) {
            LinearHead moved = move(head0, direction, eps);
            // changes from the selection point, so the float rounding of L0 cancels
            errors[t] = Math.abs((trueLoss(moved, h, y) - trueLoss(head0, h, y)) - (q.predict(moved) - q.loss0()));
        }
        // A correct second-order model leaves an O(eps^3) error: halving eps divides it by ~8. A wrong gradient
        // would leave O(eps) (ratio ~2), a wrong Hessian O(eps^2) (ratio ~4).
        for (int t = 1; t < errors.length; t++) {
            double ratio = errors[t - 1] / errors[t];
            assertTrue(ratio > 6.5 && ratio < 9.5, "error ratio " + ratio + " at step " + t + ": "
                    + java.util.Arrays.toString(errors));
        }
        assertTrue(q.relativeError(trueLoss(move(head0, direction, 0.2), h, y), move(head0, direction, 0.2)) > 0);
    }

    static LinearHead randomHead(SplittableRandom r, double scale) {
        float[] w = new float[C * H];
        float[] b = new float[C];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (scale * r.nextGaussian());
        }
        for (int k = 0; k < C; k++) {
            b[k] = (float) (scale * r.nextGaussian());
        }
        return new LinearHead(C, H, w, b);
    }

    static LinearHead move(LinearHead head, LinearHead d, double eps) {
        float[] w = head.weight().clone();
        float[] b = head.bias().clone();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (w[i] + eps * d.weight()[i]);
        }
        for (int k = 0; k < C; k++) {
            b[k] = (float) (b[k] + eps * d.bias()[k]);
        }
        return new LinearHead(C, H, w, b);
    }

    /** Mean cross-entropy of softmax(W h_i + b), in double. */
    static double trueLoss(LinearHead head, float[] h, int[] y) {
        double total = 0;
        for (int i = 0; i < N; i++) {
            double[] z = new double[C];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < C; k++) {
                double s = head.bias()[k];
                for (int j = 0; j < H; j++) {
                    s += (double) head.weight()[k * H + j] * h[i * H + j];
                }
                z[k] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int k = 0; k < C; k++) {
                sum += Math.exp(z[k] - max);
            }
            total += max + Math.log(sum) - z[y[i]];
        }
        return total / N;
    }
}
