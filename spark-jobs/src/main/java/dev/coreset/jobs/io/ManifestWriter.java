package dev.coreset.jobs.io;

import static org.apache.spark.sql.functions.col;

import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Publishes a manifest of the data contract: rows sorted by (label, rank) in one file, {@code _coreset.json}
 * with the budget actually selected, then {@code _SUCCESS}, all in one atomic step.
 */
public final class ManifestWriter {
    private final SparkSession spark;

    public ManifestWriter(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * @param selected rows with sample_id, label, weight, score (nullable) and rank
     * @param meta     method, parameters, seed and source filled in by the caller; budget and time are filled here
     */
    public void write(Dataset<Row> selected, ManifestMetadata meta, String out, boolean overwrite) {
        write(selected, meta, out, overwrite, Map.of());
    }

    /** As above, with more side files (e.g. the {@link StageRecord}) published in the same step. */
    public void write(Dataset<Row> selected, ManifestMetadata meta, String out, boolean overwrite,
                      Map<String, Object> moreSideFiles) {
        StructType schema = SparkSchemas.structType(Tables.MANIFEST);
        Dataset<Row> rows = selected
                .select(Arrays.stream(schema.fields())
                        .map(f -> col(f.name()).cast(f.dataType()).as(f.name())).toArray(Column[]::new))
                .orderBy(Tables.LABEL, Tables.RANK, Tables.SAMPLE_ID)
                .coalesce(1)
                .cache();
        try {
            meta.budget.perClass.clear();
            long total = 0;
            for (Row r : rows.groupBy(Tables.LABEL).count().collectAsList()) {
                meta.budget.perClass.put(String.valueOf(r.getInt(0)), r.getLong(1));
                total += r.getLong(1);
            }
            meta.budget.total = total;
            meta.createdAt = Instant.now().toString();
            Map<String, Object> sideFiles = new java.util.LinkedHashMap<>(moreSideFiles);
            sideFiles.put(ManifestMetadata.FILE_NAME, meta);
            new AtomicTableWriter(spark).write(spark.createDataFrame(rows.rdd(), schema), out, overwrite, sideFiles);
        } finally {
            rows.unpersist();
        }
    }
}
