package dev.coreset.jobs.bench;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.SparkSessions;
import dev.coreset.jobs.cld.CldJob;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.budget.BudgetMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Times the cld job on a synthetic scores table: n train samples (plus n/10 val samples) x T checkpoints,
 * generated with spark.range and written to a temporary Parquet table in one of two row orders ({@link Layout}):
 * as {@code coreset score} writes it, or one checkpoint after another (as T separate scoring passes would), where
 * no task reads more than one row of a sample. Only the job (read, dynamics, budgets, manifest and dynamics table
 * writes) is timed.
 */
public final class CldBench {
    /** The scores table's row order. */
    public enum Layout {
        /** Batches of {@link #SCORE_BATCH} samples at every checkpoint, then the next batch: coreset score's order. */
        SCORE,
        /** Every sample at the first checkpoint, then every sample at the next one. */
        CHECKPOINT
    }

    /** coreset score's default --batch-size. */
    static final int SCORE_BATCH = 128;

    private CldBench() {
    }

    /** Wall time of the job, the JVM heap peak seen during it and the selected count. */
    public record Result(double seconds, long peakHeapBytes, long selected, long trainSamples) {
    }

    /** @return wall time of the CLD job in seconds */
    public static double run(SparkSession spark, long n, int checkpoints, int classes, long seed) {
        return runDetailed(spark, n, checkpoints, classes, seed, Layout.SCORE).seconds();
    }

    public static Result runDetailed(SparkSession spark, long n, int checkpoints, int classes, long seed,
                                     Layout layout) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cld-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            String scores = dir.resolve("scores").toString();
            synthetic(spark, n, Math.max(classes * 20L, n / 10), checkpoints, classes, seed, layout).write()
                    .parquet(scores);
            System.gc();
            MemoryPeak peak = MemoryPeak.start();
            long t0 = System.nanoTime();
            CldJob.Summary s = new CldJob(spark).run(new CldJob.Options(scores, "all", 0.1, null, BudgetMode.UNIFORM,
                    null, seed, dir.resolve("manifest").toString(), false, dir.resolve("dynamics").toString(), 3));
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(seconds, peak.stop().heapBytes(), s.selected(), s.trainSamples());
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * A scores table: train ids 0..n-1, val ids n..n+nVal-1, label = id % classes. Losses fall as
     * a * exp(-r t) + noise with a per-sample rate r; every tenth train sample is "mislabeled" (high, flat).
     */
    public static Dataset<Row> synthetic(SparkSession spark, long n, long nVal, int checkpoints, int classes, long seed) {
        return synthetic(spark, n, nVal, checkpoints, classes, seed, Layout.CHECKPOINT);
    }

    /** As above, in the given row order (the last batch of the score order is cut at the last sample). */
    public static Dataset<Row> synthetic(SparkSession spark, long n, long nVal, int checkpoints, int classes, long seed,
                                         Layout layout) {
        long total = n + nVal;
        Column id = col("id");
        Column sample;
        Column t;
        long rows;
        if (layout == Layout.CHECKPOINT) {
            rows = total * checkpoints;
            sample = id.mod(lit(total));
            t = id.divide(lit(total)).cast("int");
        } else {
            long perBatch = (long) SCORE_BATCH * checkpoints;
            rows = (total + SCORE_BATCH - 1) / SCORE_BATCH * perBatch;
            sample = floor(id.divide(lit(perBatch))).multiply(lit(SCORE_BATCH)).plus(id.mod(lit(SCORE_BATCH)));
            t = id.mod(lit(perBatch)).divide(lit(SCORE_BATCH)).cast("int");
        }
        Column u = pmod(xxhash64(sample, lit(seed)), lit(1_000_000L)).cast("double").divide(1e6);
        Column rate = lit(0.05).plus(u.multiply(0.4));
        Column mislabeled = sample.lt(lit(n)).and(sample.mod(lit(10)).equalTo(lit(3)));
        Column jitter = rand(seed).minus(0.5).multiply(0.1);
        Column loss = when(mislabeled, lit(2.5).plus(jitter))
                .otherwise(lit(2.3).multiply(exp(rate.multiply(t).multiply(-1))).plus(jitter));
        loss = greatest(loss, lit(0.001));
        return spark.range(0, rows)
                .select(sample.as(Tables.SAMPLE_ID),
                        sample.mod(lit(classes)).cast("int").as(Tables.LABEL),
                        when(sample.lt(lit(n)), lit(Tables.SPLIT_TRAIN)).otherwise(lit(Tables.SPLIT_VAL)).as(Tables.SPLIT),
                        t.as(Tables.CHECKPOINT),
                        loss.cast("float").as(Tables.LOSS))
                .select(col("*"),
                        col(Tables.LOSS).lt(lit(0.69f)).as(Tables.CORRECT),
                        lit(0.5f).minus(col(Tables.LOSS)).cast("float").as(Tables.MARGIN),
                        least(col(Tables.LOSS).divide(2), lit(1.414)).cast("float").as(Tables.EL2N),
                        lit(1).as(Tables.DRAWS))
                .filter(col(Tables.SAMPLE_ID).lt(lit(total)));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** java ... dev.coreset.jobs.bench.CldBench [n] [checkpoints] [classes] [seed] [master] */
    public static void main(String[] args) {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        int t = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int c = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42L;
        String master = args.length > 4 ? args[4] : "local[2]";
        SparkSession spark = SparkSessions.create(master, Map.of());
        Result r = runDetailed(spark, n, t, c, seed, Layout.SCORE);
        System.out.printf(Locale.ROOT, "cld bench: n=%d x T=%d, C=%d on %s, max heap %d MB: %.1f s, "
                        + "peak heap used %d MB, selected %d of %d%n", n, t, c, master,
                Runtime.getRuntime().maxMemory() >> 20, r.seconds(), r.peakHeapBytes() >> 20, r.selected(),
                r.trainSamples());
        spark.stop();
    }
}
