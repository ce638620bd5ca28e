package dev.coreset.schemas;

/** The column types the coreset tables use; each maps to one Parquet type and one Spark type. */
public enum ColumnType {
    LONG("bigint"),
    INT("int"),
    FLOAT("float"),
    DOUBLE("double"),
    BOOLEAN("boolean"),
    STRING("string"),
    FLOAT_ARRAY("array<float>"),
    /** Token ids of a text sample. */
    INT_ARRAY("array<int>"),
    /** Raw bytes, e.g. an encoded PNG or JPEG image. */
    BINARY("binary");

    private final String sqlName;

    ColumnType(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The type as Spark SQL prints it, used in error messages so users see familiar names. */
    public String sqlName() {
        return sqlName;
    }
}
