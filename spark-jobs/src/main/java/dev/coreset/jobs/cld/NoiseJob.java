package dev.coreset.jobs.cld;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.io.TableInputs;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Flags likely mislabeled train samples from a dynamics table.
 *
 * <p>Score. Two signals, each standardized inside its class with the median and MAD (robust to the very
 * samples we look for): z of log mean loss (mislabeled samples stay at high loss: the model learns their
 * true class, not their label) and z of -CLD (their loss does not fall with their class's validation
 * loss). noise_score = the mean of the two. Per-class standardization removes class difficulty, so easy
 * and hard classes share one scale. Forgetting is written to the dynamics table but left out of the
 * score: its sign depends on the training length (a short proxy never learns a flipped label, so it has
 * 0 forgetting events; a long run memorizes and forgets it repeatedly), which would make a fixed weight
 * wrong for one of the two regimes.
 *
 * <p>Threshold: global, from the histogram of noise scores ({@link NoiseThreshold}): two-component mixture,
 * accepted only when the two populations are clearly separate, then Youden's J. Global rather than per
 * class because the scores are already per-class standardized and a per-class fit of a 1%-noise class
 * has too few noisy samples to find a second component. Nothing is flagged when the scores look unimodal.
 */
public final class NoiseJob {
    public record Options(String dynamics, String samples, String out, boolean overwrite, int bins) {
    }

    /** What resume compares: the dynamics and samples tables and --bins. */
    public static final StageSpec STAGE = StageSpec.of("noise", Options.class).inputs("dynamics", "samples")
            .outputs("out");

    /** Precision/recall are NaN when no samples table with clean_label was given. */
    public record Summary(long samples, long flagged, NoiseThreshold.Fit fit, long matched, long noisy,
                          long truePositives, double precision, double recall, double noiseRate,
                          String evaluationNote, double seconds) {
    }

    /** Floor for mean loss before the log: losses are stored as float, whose resolution near 1 is ~1e-7. */
    static final double LOSS_FLOOR = 1e-6;
    /** MAD to standard deviation for a normal distribution. */
    static final double MAD_TO_SD = 1.4826;
    /** Mean absolute deviation to standard deviation for a normal distribution (sqrt(pi/2)). */
    static final double MEAN_AD_TO_SD = 1.2533;

    private final SparkSession spark;

    public NoiseJob(SparkSession spark) {
        this.spark = spark;
    }

    public Summary run(Options o) {
        long start = System.nanoTime();
        AtomicTableWriter writer = new AtomicTableWriter(spark);
        writer.checkTarget(o.out(), o.overwrite());
        StageRecord stage = STAGE.record(o, AtomicTableWriter.hadoopConf(spark));
        Dataset<Row> dyn = TableInputs.read(spark, o.dynamics(), DynamicsTables.DYNAMICS, "--dynamics",
                "coreset cld --dynamics-out");
        Dataset<Row> samples = o.samples() == null ? null
                : TableInputs.read(spark, o.samples(), Tables.SAMPLES, "--samples", "coreset ingest");

        ProgressListener.stage(spark, "noise: score");
        Dataset<Row> scored = score(dyn).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Row range = scored.agg(count(lit(1)), min(DynamicsTables.NOISE_SCORE), max(DynamicsTables.NOISE_SCORE)).first();
            long n = range.getLong(0);
            if (n == 0) {
                throw new dev.coreset.schemas.CoresetInputException(o.dynamics()
                        + ": no rows; run coreset cld --dynamics-out on a scores table with train samples.");
            }
            double lo = range.getDouble(1);
            double hi = range.getDouble(2);
            NoiseThreshold.Fit fit = NoiseThreshold.fit(lo, hi, histogram(scored, lo, hi, o.bins()));

            ProgressListener.stage(spark, "noise: write flags");
            StructType schema = SparkSchemas.structType(DynamicsTables.NOISE_FLAGS);
            Dataset<Row> flags = scored.filter(col(DynamicsTables.NOISE_SCORE).gt(lit(fit.threshold())))
                    .select(Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
                            .toArray(Column[]::new))
                    .orderBy(col(DynamicsTables.NOISE_SCORE).desc(), col(Tables.SAMPLE_ID))
                    .coalesce(1);
            long flagged = scored.filter(col(DynamicsTables.NOISE_SCORE).gt(lit(fit.threshold()))).count();
            TableInfo info = TableInfo.of(DynamicsTables.NOISE_FLAGS);
            info.rows = flagged;
            info.parameters.put("dynamics", o.dynamics());
            info.parameters.put("bins", o.bins());
            info.parameters.put("score", "mean of per-class robust z of log(mean_loss) and of -cld");
            info.parameters.put("threshold", "two-component Gaussian mixture, BIC and Ashman's D > 2, Youden's J");
            info.summary.put("samples", n);
            info.summary.put("flagged", flagged);
            info.summary.put("fit", fitMap(fit));
            info.createdAt = Instant.now().toString();
            writer.write(spark.createDataFrame(flags.rdd(), schema), o.out(), o.overwrite(),
                    Map.of(TableInfo.FILE_NAME, info, StageRecord.FILE_NAME, stage));

            long matched = 0;
            long noisy = 0;
            long tp = 0;
            String note = null;
            double precision = Double.NaN;
            double recall = Double.NaN;
            double rate = Double.NaN;
            if (samples != null) {
                if (!Arrays.asList(samples.schema().fieldNames()).contains(Tables.CLEAN_LABEL)) {
                    note = o.samples() + " has no clean_label column (ingest --label-noise writes it); "
                            + "precision and recall need the true labels.";
                } else {
                    Row e = scored.join(samples.select(col(Tables.SAMPLE_ID), col(Tables.CLEAN_LABEL)), Tables.SAMPLE_ID)
                            .agg(count(lit(1)),
                                    sum(when(col(Tables.LABEL).notEqual(col(Tables.CLEAN_LABEL)), 1).otherwise(0)),
                                    sum(when(col(Tables.LABEL).notEqual(col(Tables.CLEAN_LABEL))
                                            .and(col(DynamicsTables.NOISE_SCORE).gt(lit(fit.threshold()))), 1).otherwise(0)),
                                    sum(when(col(DynamicsTables.NOISE_SCORE).gt(lit(fit.threshold())), 1).otherwise(0)))
                            .first();
                    matched = e.getLong(0);
                    noisy = e.isNullAt(1) ? 0 : e.getLong(1);
                    tp = e.isNullAt(2) ? 0 : e.getLong(2);
                    long flaggedMatched = e.isNullAt(3) ? 0 : e.getLong(3);
                    precision = flaggedMatched == 0 ? Double.NaN : (double) tp / flaggedMatched;
                    recall = noisy == 0 ? Double.NaN : (double) tp / noisy;
                    rate = matched == 0 ? Double.NaN : (double) noisy / matched;
                    if (matched < n) {
                        note = (n - matched) + " of " + n + " dynamics samples are not in " + o.samples()
                                + "; figures cover the " + matched + " that are.";
                    }
                }
            }
            return new Summary(n, flagged, fit, matched, noisy, tp, precision, recall, rate, note,
                    (System.nanoTime() - start) / 1e9);
        } finally {
            scored.unpersist();
        }
    }

    /** The dynamics rows plus noise_score (see the class comment). */
    public static Dataset<Row> score(Dataset<Row> dyn) {
        Column a = log(greatest(col(DynamicsTables.MEAN_LOSS), lit(LOSS_FLOOR)));
        Column b = negate(col(DynamicsTables.CLD));
        Dataset<Row> sig = dyn.select(col(Tables.SAMPLE_ID), col(Tables.LABEL), a.as("_a"), b.as("_b"));
        List<Row> med = sig.groupBy(Tables.LABEL).agg(
                percentile_approx(col("_a"), lit(0.5), lit(10000)),
                percentile_approx(col("_b"), lit(0.5), lit(10000))).collectAsList();
        Dataset<Row> medians = sig.sparkSession().createDataFrame(med, new StructType()
                .add(Tables.LABEL, DataTypes.IntegerType).add("_ma", DataTypes.DoubleType).add("_mb", DataTypes.DoubleType));
        Dataset<Row> centred = sig.join(broadcast(medians), Tables.LABEL)
                .withColumn("_da", abs(col("_a").minus(col("_ma"))))
                .withColumn("_db", abs(col("_b").minus(col("_mb"))));
        List<Row> spread = centred.groupBy(Tables.LABEL).agg(
                first("_ma"), first("_mb"),
                percentile_approx(col("_da"), lit(0.5), lit(10000)), avg("_da"),
                percentile_approx(col("_db"), lit(0.5), lit(10000)), avg("_db")).collectAsList();
        List<Row> stats = new ArrayList<>();
        for (Row r : spread) {
            stats.add(RowFactory.create(r.getInt(0), r.getDouble(1), scale(r.getDouble(3), r.getDouble(4)),
                    r.getDouble(2), scale(r.getDouble(5), r.getDouble(6))));
        }
        Dataset<Row> st = sig.sparkSession().createDataFrame(stats, new StructType()
                .add(Tables.LABEL, DataTypes.IntegerType).add("_ma", DataTypes.DoubleType)
                .add("_sa", DataTypes.DoubleType).add("_mb", DataTypes.DoubleType).add("_sb", DataTypes.DoubleType));
        Column za = col("_a").minus(col("_ma")).divide(col("_sa"));
        Column zb = col("_b").minus(col("_mb")).divide(col("_sb"));
        return sig.join(broadcast(st), Tables.LABEL)
                .select(col(Tables.SAMPLE_ID), col(Tables.LABEL), za.plus(zb).divide(2).as(DynamicsTables.NOISE_SCORE));
    }

    /** A robust standard deviation: 1.4826 MAD, else (MAD 0) 1.2533 x mean absolute deviation, else 1. */
    static double scale(double mad, double meanAbsDev) {
        if (mad > 0) {
            return MAD_TO_SD * mad;
        }
        if (meanAbsDev > 0) {
            return MEAN_AD_TO_SD * meanAbsDev;
        }
        return 1.0;
    }

    static long[] histogram(Dataset<Row> scored, double lo, double hi, int bins) {
        long[] counts = new long[bins];
        double width = (hi - lo) / bins;
        if (!(width > 0)) {
            counts[0] = scored.count();
            return counts;
        }
        Column bin = least(floor(col(DynamicsTables.NOISE_SCORE).minus(lit(lo)).divide(lit(width))).cast("int"),
                lit(bins - 1));
        for (Row r : scored.groupBy(bin.as("_bin")).count().collectAsList()) {
            counts[r.getInt(0)] += r.getLong(1);
        }
        return counts;
    }

    static Map<String, Object> fitMap(NoiseThreshold.Fit f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("twoPopulations", f.bimodal());
        m.put("threshold", Double.isFinite(f.threshold()) ? f.threshold() : null);
        m.put("otsu", finite(f.otsu()));
        m.put("lowMean", finite(f.lowMean()));
        m.put("lowSd", finite(f.lowSd()));
        m.put("highMean", finite(f.highMean()));
        m.put("highSd", finite(f.highSd()));
        m.put("highWeight", finite(f.highWeight()));
        m.put("ashmanD", finite(f.ashmanD()));
        m.put("bic1", finite(f.bic1()));
        m.put("bic2", finite(f.bic2()));
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
