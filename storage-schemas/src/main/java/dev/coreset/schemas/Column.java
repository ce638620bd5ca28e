package dev.coreset.schemas;

/**
 * One column of a coreset table.
 *
 * @param name     column name as stored in Parquet
 * @param type     logical type
 * @param nullable whether a row may hold null in this column
 * @param required whether the column must be present (optional columns may be absent entirely)
 */
public record Column(String name, ColumnType type, boolean nullable, boolean required) {

    public static Column required(String name, ColumnType type) {
        return new Column(name, type, false, true);
    }

    public static Column optional(String name, ColumnType type) {
        return new Column(name, type, true, false);
    }

    public static Column nullable(String name, ColumnType type) {
        return new Column(name, type, true, true);
    }
}
