package dev.coreset.schemas;

import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark StructTypes derived from {@link TableSchema}. Spark is a provided dependency of this module:
 * only code already running on Spark touches this class.
 */
public final class SparkSchemas {
    private SparkSchemas() {
    }

    public static StructType structType(TableSchema table) {
        return structType(table, table.columnNames());
    }

    /** The struct with the required columns plus the named optional ones, in contract order. */
    public static StructType structType(TableSchema table, Collection<String> optionalColumnsToInclude) {
        List<StructField> fields = table.columns().stream()
                .filter(c -> c.required() || optionalColumnsToInclude.contains(c.name()))
                .map(c -> DataTypes.createStructField(c.name(), dataType(c.type()), c.nullable()))
                .toList();
        return DataTypes.createStructType(fields);
    }

    public static DataType dataType(ColumnType type) {
        return switch (type) {
            case LONG -> DataTypes.LongType;
            case INT -> DataTypes.IntegerType;
            case FLOAT -> DataTypes.FloatType;
            case DOUBLE -> DataTypes.DoubleType;
            case BOOLEAN -> DataTypes.BooleanType;
            case STRING -> DataTypes.StringType;
            case FLOAT_ARRAY -> DataTypes.createArrayType(DataTypes.FloatType, false);
            case INT_ARRAY -> DataTypes.createArrayType(DataTypes.IntegerType, false);
            case BINARY -> DataTypes.BinaryType;
        };
    }

    /** Checks a Spark schema against the contract; the error names the path, column and fix. */
    public static void check(TableSchema table, StructType actual, String path) {
        java.util.Map<String, String> types = new java.util.LinkedHashMap<>();
        for (StructField f : actual.fields()) {
            types.put(f.name(), f.dataType().simpleString());
        }
        SchemaCheck.check(table, types, path);
    }
}
