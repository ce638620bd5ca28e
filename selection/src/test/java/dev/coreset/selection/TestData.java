package dev.coreset.selection;

import dev.coreset.selection.kernel.PointSet;
import java.util.SplittableRandom;

final class TestData {
    private TestData() {
    }

    /** n uniform points in [0, 10)^d, with a few exact duplicates to create exact ties. */
    static PointSet random(int n, int d, long seed, boolean duplicates) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) (10 * r.nextDouble());
        if (duplicates && n > 4) {
            System.arraycopy(x, 0, x, (n - 1) * d, d);
            System.arraycopy(x, d, x, (n - 2) * d, d);
        }
        return PointSet.of(x, n, d);
    }

    static double dist(PointSet p, int i, int j) {
        return Math.sqrt(p.sqDistance(i, j));
    }
}
