package dev.coreset.jobs.ingest;

import static org.apache.spark.sql.functions.*;

import dev.coreset.schemas.Tables;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Deterministic, seeded assignment of the validation split (exactly round(V * n_c) of each class's train
 * rows) and of label noise, from hashes of (seed, sample_id): no row order or partitioning matters.
 */
public final class SplitAndNoise {
    private static final double TWO_POW_53 = 9007199254740992.0;

    private SplitAndNoise() {
    }

    /** A uniform number in [0,1) from (seed, salt, sample_id), the same on every executor. */
    public static Column uniform(long seed, int salt) {
        return shiftrightunsigned(xxhash64(lit(seed), lit(salt), col(Tables.SAMPLE_ID)), 11)
                .cast("double").divide(TWO_POW_53);
    }

    /** Moves round(valFraction * n_c) train rows of each class c to the val split. */
    public static Dataset<Row> assignValidation(Dataset<Row> df, double valFraction, long seed) {
        return assignHoldout(df, valFraction, seed, 1, Tables.SPLIT_VAL);
    }

    /**
     * Moves round(testFraction * n_c) train rows of each class c to the test split: for inputs without a
     * separate test file. Runs before {@link #assignValidation}, whose fraction then applies to what is left.
     */
    public static Dataset<Row> assignTest(Dataset<Row> df, double testFraction, long seed) {
        return assignHoldout(df, testFraction, seed, 4, Tables.SPLIT_TEST);
    }

    private static Dataset<Row> assignHoldout(Dataset<Row> df, double fraction, long seed, int salt, String target) {
        if (fraction <= 0) {
            return df;
        }
        Dataset<Row> train = df.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN))
                .select(col(Tables.LABEL), uniform(seed, salt).as("u"), col(Tables.SAMPLE_ID));
        Map<Integer, Long> quota = new HashMap<>();
        for (Row r : train.groupBy(Tables.LABEL).count().collectAsList()) {
            quota.put(r.getInt(0), Math.round(fraction * r.getLong(1)));
        }
        // The quota-th smallest (u, id) per class is that class's threshold: found on narrow rows only.
        Column quotaCol = lit(0L);
        for (var e : quota.entrySet()) {
            quotaCol = when(col(Tables.LABEL).equalTo(e.getKey()), lit(e.getValue())).otherwise(quotaCol);
        }
        List<Row> thresholds = train
                .withColumn("rn", row_number().over(Window.partitionBy(Tables.LABEL).orderBy("u", Tables.SAMPLE_ID)))
                .filter(col("rn").equalTo(quotaCol))
                .select(Tables.LABEL, "u", Tables.SAMPLE_ID).collectAsList();
        Column isVal = lit(false);
        for (Row t : thresholds) {
            Column u = uniform(seed, salt);
            Column belowThreshold = u.lt(t.getDouble(1))
                    .or(u.equalTo(t.getDouble(1)).and(col(Tables.SAMPLE_ID).leq(t.getLong(2))));
            isVal = isVal.or(col(Tables.LABEL).equalTo(t.getInt(0)).and(belowThreshold));
        }
        Column split = when(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN).and(isVal), lit(target))
                .otherwise(col(Tables.SPLIT));
        return df.withColumn(Tables.SPLIT, split);
    }

    /**
     * Flips each train label with probability {@code rate} (uniform: to a uniformly chosen other class; pair: class c
     * to c + 1 mod C), keeping the original in clean_label. Val and test stay clean so they can measure the damage.
     */
    public static Dataset<Row> injectNoise(Dataset<Row> df, double rate, int classes, long seed, NoiseKind kind) {
        Column isTrain = col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN);
        Column flip = isTrain.and(uniform(seed, 2).lt(rate));
        Column shift = kind == NoiseKind.PAIR ? lit(1)
                : floor(uniform(seed, 3).multiply(classes - 1)).cast("int").plus(1);
        Column noisy = pmod(col(Tables.LABEL).plus(shift), lit(classes));
        return df.withColumn(Tables.CLEAN_LABEL, col(Tables.LABEL))
                .withColumn(Tables.LABEL, when(flip, noisy).otherwise(col(Tables.LABEL)));
    }
}
