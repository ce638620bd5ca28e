package dev.coreset.jobs.io;

import static org.apache.spark.sql.functions.col;

import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        if (selected.isLocal()) {
            writeLocal(selected, schema, meta, out, overwrite, moreSideFiles);
            return;
        }
        Dataset<Row> rows = selected
                .select(Arrays.stream(schema.fields())
                        .map(f -> col(f.name()).cast(f.dataType()).as(f.name())).toArray(Column[]::new))
                .orderBy(Tables.LABEL, Tables.RANK, Tables.SAMPLE_ID)
                .coalesce(1)
                .cache();
        try {
            Map<Integer, Long> counts = new TreeMap<>();
            for (Row r : rows.groupBy(Tables.LABEL).count().collectAsList()) {
                counts.put(r.getInt(0), r.getLong(1));
            }
            publish(ContractRows.under(rows, schema), counts, meta, out, overwrite, moreSideFiles);
        } finally {
            rows.unpersist();
        }
    }

    /**
     * Rows already on the driver (a greedy selection's centers: budget-sized): sorted and counted here, so the
     * write is the only Spark job.
     */
    private void writeLocal(Dataset<Row> selected, StructType schema, ManifestMetadata meta, String out,
                            boolean overwrite, Map<String, Object> moreSideFiles) {
        List<Row> rows = new ArrayList<>(selected.select(Arrays.stream(schema.fields())
                .map(f -> col(f.name()).cast(f.dataType()).as(f.name())).toArray(Column[]::new)).collectAsList());
        int label = schema.fieldIndex(Tables.LABEL);
        int rank = schema.fieldIndex(Tables.RANK);
        int id = schema.fieldIndex(Tables.SAMPLE_ID);
        rows.sort(Comparator.<Row>comparingInt(r -> r.getInt(label)).thenComparingInt(r -> r.getInt(rank))
                .thenComparingLong(r -> r.getLong(id)));
        Map<Integer, Long> counts = new TreeMap<>();
        rows.forEach(r -> counts.merge(r.getInt(label), 1L, Long::sum));
        publish(spark.createDataFrame(rows, schema).coalesce(1), counts, meta, out, overwrite, moreSideFiles);
    }

    private void publish(Dataset<Row> rows, Map<Integer, Long> counts, ManifestMetadata meta, String out,
                         boolean overwrite, Map<String, Object> moreSideFiles) {
        meta.budget.perClass.clear();
        counts.forEach((label, n) -> meta.budget.perClass.put(String.valueOf(label), n));
        meta.budget.total = counts.values().stream().mapToLong(Long::longValue).sum();
        meta.createdAt = Instant.now().toString();
        Map<String, Object> sideFiles = new java.util.LinkedHashMap<>(moreSideFiles);
        sideFiles.put(ManifestMetadata.FILE_NAME, meta);
        new AtomicTableWriter(spark).write(rows, out, overwrite, sideFiles);
    }
}
