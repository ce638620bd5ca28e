package dev.coreset.jobs.score;

import org.apache.spark.sql.SparkSession;

/**
 * Rows per columnar batch of the Parquet reader while a scoring job runs. Spark's default (4,096 rows) holds
 * 4,096 x 784 floats (13 MB) per task for Fashion-MNIST, far past a core's cache, and the nested-array reader
 * passes over each batch several times; batches of about {@value #TARGET_FLOATS} floats read the same rows
 * 25-35% faster here (docs/BENCHMARKS.md, scoring). A value the user set is left alone; the session's setting is
 * restored on close.
 */
public final class ReaderBatch implements AutoCloseable {
    static final String KEY = "spark.sql.parquet.columnarReaderBatchSize";
    static final int TARGET_FLOATS = 1 << 18;

    private final SparkSession spark;
    private final boolean changed;

    private ReaderBatch(SparkSession spark, boolean changed) {
        this.spark = spark;
        this.changed = changed;
    }

    /** Sets the batch to about {@value #TARGET_FLOATS} / featureDim rows (64..4096) unless the session has a value. */
    public static ReaderBatch narrow(SparkSession spark, int featureDim) {
        if (spark.conf().contains(KEY)) {
            return new ReaderBatch(spark, false);
        }
        spark.conf().set(KEY, rows(featureDim));
        return new ReaderBatch(spark, true);
    }

    static int rows(int featureDim) {
        return Math.max(64, Math.min(4096, TARGET_FLOATS / Math.max(1, featureDim)));
    }

    @Override
    public void close() {
        if (changed) {
            spark.conf().unset(KEY);
        }
    }
}
