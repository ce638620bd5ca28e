package dev.coreset.scoring;

import dev.coreset.scoring.train.LabeledRow;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small synthetic data: Gaussian blobs, one per class, well separated (an easy problem). */
public final class TestData {
    public static final int DIM = 8;
    public static final int CLASSES = 3;

    private TestData() {
    }

    public static List<LabeledRow> blobs(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<LabeledRow> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            int y = r.nextInt(CLASSES);
            float[] x = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                double mean = (j % CLASSES == y) ? 2.0 : -1.0;
                x[j] = (float) (mean + 0.8 * gaussian(r));
            }
            out.add(new LabeledRow(seed * 100_000 + i, y, x));
        }
        return out;
    }

    public static float[] flat(List<LabeledRow> rows) {
        int n = rows.get(0).features().length;
        float[] f = new float[rows.size() * n];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i).features(), 0, f, i * n, n);
        }
        return f;
    }

    public static int[] labels(List<LabeledRow> rows) {
        return rows.stream().mapToInt(LabeledRow::label).toArray();
    }

    static double gaussian(SplittableRandom r) {
        double u = Math.max(r.nextDouble(), 1e-12);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
