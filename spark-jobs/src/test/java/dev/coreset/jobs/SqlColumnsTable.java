package dev.coreset.jobs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * A small Parquet table written from SQL column expressions over {@code range(rows)} (the row number is {@code id}),
 * with some columns replaced or dropped: how the bad-input tests write a table that is wrong in one column.
 */
public final class SqlColumnsTable {
    private SqlColumnsTable() {
    }

    /**
     * @param columns   name to SQL expression, in column order
     * @param overrides pairs of name and expression; a null expression drops the column
     */
    public static Path write(SparkSession spark, Path path, int rows, Map<String, String> columns, String... overrides) {
        Map<String, String> cols = new LinkedHashMap<>(columns);
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                cols.remove(overrides[i]);
            } else {
                cols.put(overrides[i], overrides[i + 1]);
            }
        }
        String select = cols.entrySet().stream().map(e -> e.getValue() + " AS " + e.getKey())
                .collect(Collectors.joining(", "));
        spark.sql("SELECT " + select + " FROM range(" + rows + ")").repartition(2).write().parquet(path.toString());
        return path;
    }
}
