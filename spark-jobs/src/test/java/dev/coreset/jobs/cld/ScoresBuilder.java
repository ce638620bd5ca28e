package dev.coreset.jobs.cld;

import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Builds small scores tables sample by sample (one row per checkpoint) and keeps the values for references. */
final class ScoresBuilder {
    record Sample(long id, int label, String split, int[] checkpoints, float[] loss, boolean[] correct, float[] el2n) {
    }

    final List<Sample> samples = new ArrayList<>();

    ScoresBuilder add(long id, int label, String split, int[] checkpoints, float[] loss, boolean[] correct, float[] el2n) {
        samples.add(new Sample(id, label, split, checkpoints, loss, correct, el2n));
        return this;
    }

    /** Losses at checkpoints 0..n-1, correct = loss < 0.7, el2n = loss / 2. */
    ScoresBuilder add(long id, int label, String split, float... loss) {
        int[] cps = new int[loss.length];
        boolean[] correct = new boolean[loss.length];
        float[] el2n = new float[loss.length];
        for (int i = 0; i < loss.length; i++) {
            cps[i] = i;
            correct[i] = loss[i] < 0.7f;
            el2n[i] = loss[i] / 2;
        }
        return add(id, label, split, cps, loss, correct, el2n);
    }

    ScoresBuilder train(long id, int label, float... loss) {
        return add(id, label, Tables.SPLIT_TRAIN, loss);
    }

    ScoresBuilder val(long id, int label, float... loss) {
        return add(id, label, Tables.SPLIT_VAL, loss);
    }

    Path write(Path dir, String name) {
        SparkSession spark = SparkTestSession.get();
        List<Row> rows = new ArrayList<>();
        for (Sample s : samples) {
            for (int i = 0; i < s.loss().length; i++) {
                rows.add(RowFactory.create(s.id(), s.label(), s.split(), s.checkpoints()[i], s.loss()[i],
                        s.correct()[i], 0.5f - s.loss()[i], s.el2n()[i], 1));
            }
        }
        StructType schema = SparkSchemas.structType(Tables.SCORES, List.of());
        Path p = dir.resolve(name);
        spark.createDataFrame(rows, schema).repartition(2).write().parquet(p.toString());
        return p;
    }

    /** Reference CLD in double precision over the checkpoints whose positions are in use (0-based). */
    Map<Long, Double> referenceCld(int[] use) {
        Map<Integer, double[]> sums = new TreeMap<>();
        Map<Integer, Integer> counts = new TreeMap<>();
        for (Sample s : samples) {
            if (s.split().equals(Tables.SPLIT_VAL)) {
                double[] acc = sums.computeIfAbsent(s.label(), l -> new double[use.length]);
                for (int j = 0; j < use.length; j++) {
                    acc[j] += s.loss()[use[j]];
                }
                counts.merge(s.label(), 1, Integer::sum);
            }
        }
        Map<Long, Double> out = new TreeMap<>();
        for (Sample s : samples) {
            if (!s.split().equals(Tables.SPLIT_TRAIN)) {
                continue;
            }
            double[] v = sums.get(s.label()).clone();
            for (int j = 0; j < v.length; j++) {
                v[j] /= counts.get(s.label());
            }
            double[] x = new double[use.length];
            for (int j = 0; j < use.length; j++) {
                x[j] = s.loss()[use[j]];
            }
            out.put(s.id(), naivePearsonOfDiffs(x, v));
        }
        return out;
    }

    /** Textbook formula, written independently of Trajectories: r = cov / (sd sd), 0 when a variance is 0. */
    static double naivePearsonOfDiffs(double[] x, double[] y) {
        int n = x.length - 1;
        double[] dx = new double[n];
        double[] dy = new double[n];
        for (int i = 0; i < n; i++) {
            dx[i] = x[i + 1] - x[i];
            dy[i] = y[i + 1] - y[i];
        }
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < n; i++) {
            sx += dx[i];
            sy += dy[i];
        }
        double mx = sx / n, my = sy / n;
        for (int i = 0; i < n; i++) {
            sxx += (dx[i] - mx) * (dx[i] - mx);
            syy += (dy[i] - my) * (dy[i] - my);
            sxy += (dx[i] - mx) * (dy[i] - my);
        }
        if (sxx == 0 || syy == 0) {
            return 0;
        }
        return sxy / Math.sqrt(sxx) / Math.sqrt(syy);
    }
}
