package dev.coreset.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import dev.coreset.jobs.io.TableInputs;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.kernel.PointSet;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Points for the selection kernel bench from real data rather than Gaussian blobs: a scores table's embeddings at
 * one checkpoint, or a samples table's feature vectors (pixels) under a seeded Gaussian random projection. Train
 * split, the first n rows by sample id, so the same table and n give the same points.
 */
public final class RealPoints {
    /** The points and a line saying where they came from. */
    public record Loaded(String description, PointSet points) {
    }

    private RealPoints() {
    }

    /** @param checkpoint the scores' checkpoint; null = the last one */
    public static Loaded fromScores(SparkSession spark, String path, Integer checkpoint, int n) {
        Dataset<Row> scores = TableInputs.read(spark, path, Tables.SCORES, "--scores", "coreset score --embedding ...")
                .filter(col(Tables.SPLIT).equalTo("train"));
        int c = checkpoint != null ? checkpoint : scores.agg(max(Tables.CHECKPOINT)).first().getInt(0);
        List<Row> rows = scores.filter(col(Tables.CHECKPOINT).equalTo(c).and(col(Tables.EMBEDDING).isNotNull()))
                .orderBy(Tables.SAMPLE_ID).limit(n).select(Tables.EMBEDDING).collectAsList();
        if (rows.isEmpty()) {
            throw new CoresetInputException(path + ": no train rows with an embedding at checkpoint " + c
                    + "; score with --embedding logits-grad or last-layer-grad, or pick another --checkpoint.");
        }
        float[][] vectors = new float[rows.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = floats(rows.get(i).getList(0));
        }
        return new Loaded(path + " checkpoint " + c, PointSet.of(rowMajor(vectors), vectors.length, vectors[0].length));
    }

    /** The features of the first n train rows times a d x dim Gaussian matrix scaled by 1/sqrt(dim). */
    public static Loaded fromSamples(SparkSession spark, String path, int dim, int n, long seed) {
        Dataset<Row> samples = TableInputs.read(spark, path, Tables.SAMPLES, "--samples", "coreset ingest");
        if (!List.of(samples.columns()).contains(Tables.FEATURES)) {
            throw new CoresetInputException(path + ": no 'features' column (images or tokens are kept encoded); pass a"
                    + " samples table ingested from IDX, CSV or Parquet features to --samples.");
        }
        List<Row> rows = samples.filter(col(Tables.SPLIT).equalTo("train")).orderBy(Tables.SAMPLE_ID).limit(n)
                .select(Tables.FEATURES).collectAsList();
        if (rows.isEmpty()) {
            throw new CoresetInputException(path + ": no train rows; pass a samples table with a train split to --samples.");
        }
        int inDim = rows.get(0).getList(0).size();
        float[] projection = gaussianMatrix(inDim, dim, seed);
        float[] out = new float[rows.size() * dim];
        for (int i = 0; i < rows.size(); i++) {
            float[] x = floats(rows.get(i).getList(0));
            for (int j = 0; j < inDim; j++) {
                float xj = x[j];
                if (xj == 0f) continue;
                for (int c = 0; c < dim; c++) {
                    out[i * dim + c] += xj * projection[j * dim + c];
                }
            }
        }
        return new Loaded(path + " features (" + inDim + ") projected to " + dim, PointSet.of(out, rows.size(), dim));
    }

    private static float[] gaussianMatrix(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float scale = (float) (1 / Math.sqrt(cols));
        float[] m = new float[rows * cols];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) random.nextGaussian() * scale;
        }
        return m;
    }

    private static float[] floats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }

    private static float[] rowMajor(float[][] vectors) {
        int d = vectors[0].length;
        float[] out = new float[vectors.length * d];
        for (int i = 0; i < vectors.length; i++) {
            System.arraycopy(vectors[i], 0, out, i * d, d);
        }
        return out;
    }
}
