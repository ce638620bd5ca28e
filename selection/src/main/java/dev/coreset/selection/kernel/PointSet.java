package dev.coreset.selection.kernel;

import java.util.Objects;

/**
 * An immutable n x d set of float points, stored twice: row-major (for reading a point's coordinates)
 * and in "panels" of {@link #W} points transposed (for the blocked kernel, so that one vector load
 * gives coordinate t of W consecutive points and no lane reduction is ever needed).
 * Memory: about 2 x n x d x 4 bytes plus n x 4 bytes of squared norms.
 */
public final class PointSet {
    /** Points per panel = float lanes of the preferred vector species (16 with AVX-512, 8 with AVX2). */
    public static final int W = BlockKernel.LANES;

    private final int n;
    private final int d;
    private final int nPad;
    private final float[] rows;
    private final float[] panels;
    private final float[] sqNorms;
    private final float[] invNorms;

    private PointSet(float[] rows, int n, int d) {
        this.n = n;
        this.d = d;
        // Padded to two panels because the kernel processes panels in pairs; padding points are zeros.
        int step = 2 * W;
        this.nPad = Math.max(step, (n + step - 1) / step * step);
        this.rows = rows;
        this.panels = new float[nPad * d];
        this.sqNorms = new float[nPad];
        for (int i = 0; i < n; i++) {
            int base = i * d;
            int panelBase = (i / W) * W * d + (i % W);
            float s = 0f;
            for (int t = 0; t < d; t++) {
                float v = rows[base + t];
                panels[panelBase + t * W] = v;
                s = Math.fma(v, v, s);
            }
            sqNorms[i] = s;
        }
        this.invNorms = new float[nPad];
        for (int i = 0; i < n; i++) {
            invNorms[i] = sqNorms[i] > 0f ? (float) (1.0 / Math.sqrt(sqNorms[i])) : 0f;
        }
    }

    /** Wraps (does not copy) a row-major array of n x d floats. */
    public static PointSet of(float[] rowMajor, int n, int d) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        if (n < 0 || d <= 0) {
            throw new IllegalArgumentException("need n >= 0 and d > 0, got n=" + n + ", d=" + d);
        }
        if ((long) n * d > rowMajor.length) {
            throw new IllegalArgumentException("array holds " + rowMajor.length + " floats, need n*d = " + (long) n * d);
        }
        return new PointSet(rowMajor, n, d);
    }

    /** A new point set made of the given rows (copied), in that order: used for GreeDi parts. */
    public PointSet subset(int[] indices) {
        float[] out = new float[indices.length * d];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(rows, indices[j] * d, out, j * d, d);
        }
        return new PointSet(out, indices.length, d);
    }

    /** Row-major copy of the given rows, e.g. the selected centers for an assignment pass. */
    public float[] gather(int[] indices) {
        float[] out = new float[indices.length * d];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(rows, indices[j] * d, out, j * d, d);
        }
        return out;
    }

    public int size() { return n; }
    public int dim() { return d; }
    /** n rounded up to the kernel's block width; similarity rows have this length. */
    public int paddedSize() { return nPad; }
    /** The row-major data (not a copy; do not modify). */
    public float[] rows() { return rows; }
    float[] panels() { return panels; }
    /** Squared norms, length {@link #paddedSize()} (not a copy; do not modify). */
    public float[] sqNorms() { return sqNorms; }

    /** 1 / norm (0 for a zero point), length {@link #paddedSize()}; used by cosine similarity. */
    public float[] invNorms() { return invNorms; }

    /** Squared Euclidean distance between two points, in double (reference path for tests and small jobs). */
    public double sqDistance(int i, int j) {
        double s = 0;
        int a = i * d, b = j * d;
        for (int t = 0; t < d; t++) {
            double diff = (double) rows[a + t] - rows[b + t];
            s += diff * diff;
        }
        return s;
    }

    /** Mean of the points, in double. */
    public double[] centroid() {
        double[] c = new double[d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) c[t] += rows[i * d + t];
        }
        for (int t = 0; t < d; t++) c[t] /= Math.max(1, n);
        return c;
    }

    /** Squared distances of every point to the centroid, in double. */
    public double[] sqDistancesToCentroid() {
        double[] c = centroid();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int t = 0; t < d; t++) {
                double diff = rows[i * d + t] - c[t];
                s += diff * diff;
            }
            out[i] = s;
        }
        return out;
    }
}
