package dev.coreset.scoring.train.crest;

import dev.coreset.scoring.ForwardOutput;
import dev.coreset.scoring.LinearHead;
import dev.coreset.scoring.LogSoftmax;

/**
 * CREST's local quadratic model of the loss on the random subsets R, formed at the selection point w0:
 * <pre>
 *   Q(w) = L0 + g . d + 1/2 d' H d,   d = (W - W0, b - b0) the change of the last layer since selection,
 * </pre>
 * where L0, g and H are the mean cross-entropy over R and its exact gradient and exact Hessian with respect to
 * the last layer (W, b), with the penultimate activations h_i frozen at w0. Because z_i = W h_i + b is linear in
 * (W, b), the quadratic form needs no Hessian matrix and no diagonal approximation: with dz_i = dW h_i + db,
 * <pre>
 *   g . d     = mean_i (p_i - onehot(y_i)) . dz_i
 *   d' H d    = mean_i [ sum_k p_ik dz_ik^2 - (sum_k p_ik dz_ik)^2 ]     (H_z = diag(p) - p p', the softmax Hessian)
 * </pre>
 * computed in O(|R| C H) from the p_i and h_i kept from the selection's forward pass.
 * <p>What it leaves out: the body's parameters move too, and their effect on the loss is not modelled (no second
 * backward pass, no Hessian-vector products in DJL). It therefore shows up as model error, so the region ends
 * when the whole network has moved the loss on R away from what the last layer's quadratic explains: the
 * check {@code |L_R(w) - Q(w)| / L_R(w) >= tau} uses the true loss of the current model on R.
 */
final class LastLayerQuadratic {
    private final int rows;
    private final int classes;
    private final int hidden;
    private final float[] h;
    private final double[] residual; // p - onehot(y), rows x C
    private final double[] p;        // rows x C
    private final LinearHead head0;
    private final double loss0;

    private LastLayerQuadratic(int rows, int classes, int hidden, float[] h, double[] p, double[] residual,
                               LinearHead head0, double loss0) {
        this.rows = rows;
        this.classes = classes;
        this.hidden = hidden;
        this.h = h;
        this.p = p;
        this.residual = residual;
        this.head0 = head0;
        this.loss0 = loss0;
    }

    /**
     * @param fo     the forward pass over R at w0 (logits and h)
     * @param labels the labels of R's rows
     * @param head0  the last layer at w0 (the one that produced {@code fo}'s logits)
     */
    static LastLayerQuadratic at(ForwardOutput fo, int[] labels, LinearHead head0) {
        int n = fo.rows();
        int c = fo.numClasses();
        if (fo.embedding() == null || fo.embeddingDim() != head0.inputDim() || c != head0.numClasses()) {
            throw new IllegalArgumentException("forward output does not match the head: h dim " + fo.embeddingDim()
                    + ", head " + head0.numClasses() + "x" + head0.inputDim());
        }
        double[] p = new double[n * c];
        double[] residual = new double[n * c];
        double loss = 0;
        float[] z = fo.logits();
        for (int i = 0; i < n; i++) {
            int o = i * c;
            double logZ = LogSoftmax.logPartition(z, o, c);
            for (int k = 0; k < c; k++) {
                double pk = Math.exp(z[o + k] - logZ);
                p[o + k] = pk;
                residual[o + k] = pk - (k == labels[i] ? 1 : 0);
            }
            loss += logZ - z[o + labels[i]];
        }
        return new LastLayerQuadratic(n, c, fo.embeddingDim(), fo.embedding().clone(), p, residual, head0,
                n == 0 ? 0 : loss / n);
    }

    /** L0: the mean loss on R at the selection point. */
    double loss0() {
        return loss0;
    }

    /** Q at the given last layer. */
    double predict(LinearHead head) {
        float[] w = head.weight();
        float[] b = head.bias();
        float[] w0 = head0.weight();
        float[] b0 = head0.bias();
        double[] dW = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            dW[i] = (double) w[i] - w0[i];
        }
        double[] db = new double[classes];
        for (int k = 0; k < classes; k++) {
            db[k] = (double) b[k] - b0[k];
        }
        double linear = 0;
        double quadratic = 0;
        double[] dz = new double[classes];
        for (int i = 0; i < rows; i++) {
            int hOff = i * hidden;
            int o = i * classes;
            double mean = 0;
            for (int k = 0; k < classes; k++) {
                double s = db[k];
                int wOff = k * hidden;
                for (int j = 0; j < hidden; j++) {
                    s += dW[wOff + j] * h[hOff + j];
                }
                dz[k] = s;
                linear += residual[o + k] * s;
                mean += p[o + k] * s;
            }
            double second = 0;
            for (int k = 0; k < classes; k++) {
                second += p[o + k] * dz[k] * dz[k];
            }
            quadratic += second - mean * mean;
        }
        return rows == 0 ? loss0 : loss0 + linear / rows + 0.5 * quadratic / rows;
    }

    /** |trueLoss - Q(head)| / trueLoss (the error is taken as infinite when the true loss is 0 and Q is not). */
    double relativeError(double trueLoss, LinearHead head) {
        double diff = Math.abs(trueLoss - predict(head));
        if (trueLoss > 0) {
            return diff / trueLoss;
        }
        return diff == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
}
