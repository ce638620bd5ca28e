package dev.coreset.selection.kernel;

/**
 * The "left side" of a kernel call: a few query points (candidates or centers), each given by an
 * offset into a row-major float array, with their squared and inverse norms.
 */
public final class Queries {
    final float[] data;
    final int[] offsets;
    final float[] sqNorms;
    final float[] invNorms;
    final int count;

    private Queries(float[] data, int[] offsets, float[] sqNorms, float[] invNorms, int count) {
        this.data = data;
        this.offsets = offsets;
        this.sqNorms = sqNorms;
        this.invNorms = invNorms;
        this.count = count;
    }

    /** The first {@code count} rows listed in {@code indices}, taken from a point set (no copy). */
    public static Queries ofRows(PointSet pts, int[] indices, int count) {
        int d = pts.dim();
        int[] off = new int[count];
        float[] sq = new float[count];
        float[] inv = new float[count];
        for (int j = 0; j < count; j++) {
            int i = indices[j];
            off[j] = i * d;
            sq[j] = pts.sqNorms()[i];
            inv[j] = pts.invNorms()[i];
        }
        return new Queries(pts.rows(), off, sq, inv, count);
    }

    /** Rows {@code from..to-1} of a row-major array with dimension d (e.g. a block of rows to assign). */
    public static Queries ofArray(float[] rowMajor, int d, int from, int to) {
        int count = to - from;
        int[] off = new int[count];
        float[] sq = new float[count];
        float[] inv = new float[count];
        for (int j = 0; j < count; j++) {
            int base = (from + j) * d;
            off[j] = base;
            float s = 0f;
            for (int t = 0; t < d; t++) s = Math.fma(rowMajor[base + t], rowMajor[base + t], s);
            sq[j] = s;
            inv[j] = s > 0f ? (float) (1.0 / Math.sqrt(s)) : 0f;
        }
        return new Queries(rowMajor, off, sq, inv, count);
    }

    public int count() {
        return count;
    }
}
