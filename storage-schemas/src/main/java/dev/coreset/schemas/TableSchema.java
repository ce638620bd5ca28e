package dev.coreset.schemas;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A table of the data contract: its name, format version and columns. Parquet and Spark schemas are
 * both derived from this one description ({@link ParquetSchemas}, {@link SparkSchemas}).
 *
 * @param exactlyOneOf groups of optional columns of which a file holds exactly one (the samples table's
 *                     {@code features} or {@code image}); checked by {@link SchemaCheck}
 */
public record TableSchema(String name, int formatVersion, List<Column> columns, List<List<String>> exactlyOneOf) {

    public TableSchema {
        columns = List.copyOf(columns);
        exactlyOneOf = exactlyOneOf.stream().map(List::copyOf).toList();
    }

    public TableSchema(String name, int formatVersion, List<Column> columns) {
        this(name, formatVersion, columns, List.of());
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public List<Column> requiredColumns() {
        return columns.stream().filter(Column::required).collect(Collectors.toList());
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).collect(Collectors.toList());
    }

    /** The same table with one extra column (used for optional columns that a writer chooses to include). */
    public TableSchema with(Column extra) {
        var all = new java.util.ArrayList<>(columns);
        all.add(extra);
        return new TableSchema(name, formatVersion, all, exactlyOneOf);
    }
}
