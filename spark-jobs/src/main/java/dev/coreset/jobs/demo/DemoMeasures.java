package dev.coreset.jobs.demo;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;

import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the report needs to know about the data and the coresets: class counts, and how many selected or
 * flagged samples carry a flipped label (the samples table keeps the truth in {@code clean_label}).
 * Joins run in Spark; only counts reach the driver.
 */
final class DemoMeasures {
    static final String NOISY = "noisy";
    static final String INJECTED = "injected";
    static final String FAMILY = "family";
    static final String KIND = "kind";
    private final SparkSession spark;
    private final Map<Path, Dataset<Row>> train = new HashMap<>();

    DemoMeasures(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * The train split's (sample_id, label, noisy, injected, family, kind) rows, cached: every coreset of this noise
     * level joins it. family: the original's id for an injected copy, the row's own id otherwise; kind: exact, near or
     * empty.
     */
    private Dataset<Row> train(Path samples) {
        return train.computeIfAbsent(samples, p -> {
            Dataset<Row> all = spark.read().parquet(p.toString());
            boolean hasClean = Arrays.asList(all.columns()).contains(Tables.CLEAN_LABEL);
            Column source = Arrays.asList(all.columns()).contains(Tables.SOURCE) ? coalesce(col(Tables.SOURCE), lit(""))
                    : lit("");
            Column kind = regexp_extract(source, DemoDuplicates.SOURCE_PATTERN, 1);
            Column original = regexp_extract(source, DemoDuplicates.SOURCE_PATTERN, 2);
            return all.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN))
                    .select(col(Tables.SAMPLE_ID), col(Tables.LABEL), hasClean
                            ? col(Tables.CLEAN_LABEL).isNotNull().and(col(Tables.CLEAN_LABEL).notEqual(col(Tables.LABEL)))
                            .as(NOISY) : lit(false).as(NOISY), kind.notEqual("").as(INJECTED),
                            when(kind.notEqual(""), original.cast("long")).otherwise(col(Tables.SAMPLE_ID)).as(FAMILY),
                            kind.as(KIND))
                    .cache();
        });
    }

    DemoResults.Dataset dataset(String noise, Path samples) {
        Counts c = counts(train(samples));
        return new DemoResults.Dataset(noise, c.rows(), c.perClass(), c.noisy());
    }

    DemoResults.Flags flags(String noise, Path samples, Path flags) {
        Dataset<Row> t = train(samples);
        Dataset<Row> f = spark.read().parquet(flags.toString()).select(Tables.SAMPLE_ID);
        Counts all = counts(t);
        Counts flagged = counts(f.join(t, Tables.SAMPLE_ID));
        return new DemoResults.Flags(noise, flagged.rows(), flagged.noisy(), all.noisy(), all.rows());
    }

    DemoResults.Coreset coreset(String noise, String method, double fraction, Integer seed, Path samples, Path manifest) {
        ManifestReader.open(manifest.toString()).validate();
        Dataset<Row> ids = spark.read().parquet(manifest.toString()).select(Tables.SAMPLE_ID);
        Counts c = counts(ids.join(train(samples), Tables.SAMPLE_ID));
        long injected = ids.join(train(samples), Tables.SAMPLE_ID).filter(col(INJECTED)).count();
        return new DemoResults.Coreset(noise, method, fraction, seed, c.rows(), c.perClass(), c.noisy(), injected);
    }

    /** Dedup's flags against the injected copies (their source names their original). */
    DemoResults.Duplicates duplicates(String noise, Path samples, Path flags) {
        Dataset<Row> t = train(samples);
        Dataset<Row> family = t.select(col(Tables.SAMPLE_ID), col(FAMILY));
        Dataset<Row> f = spark.read().parquet(flags.toString()).select(Tables.SAMPLE_ID, Tables.KEPT_ID);
        Dataset<Row> right = f.join(family, Tables.SAMPLE_ID)
                .join(family.withColumnRenamed(Tables.SAMPLE_ID, Tables.KEPT_ID).withColumnRenamed(FAMILY, "kept_family"),
                        Tables.KEPT_ID)
                .filter(col(FAMILY).equalTo(col("kept_family"))).select(FAMILY).cache();
        Dataset<Row> copies = t.filter(col(INJECTED)).select(col(FAMILY), col(KIND));
        long caughtExact = right.join(copies, FAMILY).filter(col(KIND).equalTo("exact")).count();
        long rightCount = right.count();
        right.unpersist();
        double epsilon = Double.NaN;
        try {
            TableInfo info = Json.read(new org.apache.hadoop.fs.Path(flags.toString(), TableInfo.FILE_NAME),
                    TableInfo.class, spark.sparkContext().hadoopConfiguration());
            epsilon = ((Number) info.parameters.get("epsilon")).doubleValue();
        } catch (java.io.IOException | RuntimeException e) {
            // the epsilon is for the report only
        }
        return new DemoResults.Duplicates(noise, copies.count(), copies.filter(col(KIND).equalTo("exact")).count(),
                f.count(), rightCount, caughtExact, rightCount - caughtExact, epsilon);
    }

    private record Counts(List<Long> perClass, long noisy) {
        long rows() {
            return perClass.stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Rows per class and flipped labels, in one Spark job. */
    private static Counts counts(Dataset<Row> rows) {
        Map<Integer, Long> byClass = new HashMap<>();
        int classes = 0;
        long noisy = 0;
        for (Row r : rows.groupBy(Tables.LABEL, NOISY).count().collectAsList()) {
            byClass.merge(r.getInt(0), r.getLong(2), Long::sum);
            classes = Math.max(classes, r.getInt(0) + 1);
            if (r.getBoolean(1)) {
                noisy += r.getLong(2);
            }
        }
        List<Long> counts = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            counts.add(byClass.getOrDefault(c, 0L));
        }
        return new Counts(counts, noisy);
    }
}
