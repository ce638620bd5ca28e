package dev.coreset.jobs.io;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows under a table's contract schema (its non-null columns and elements) before they are written, without leaving
 * Catalyst's rows. {@code createDataFrame(rows.rdd(), schema)} did the same by turning every row into a Row (each
 * array element boxed) and back, the largest cost of writing a table of float arrays.
 */
public final class ContractRows {
    private ContractRows() {
    }

    /**
     * The schema's columns, in its order, cast to its types (a cast may not declare array elements non-null, so
     * arrays are cast with nullable elements and only the schema declares them non-null), under the schema.
     */
    public static Dataset<Row> under(Dataset<Row> rows, StructType schema) {
        Column[] columns = Arrays.stream(schema.fields())
                .map(f -> col(f.name()).cast(f.dataType() instanceof ArrayType a
                        ? DataTypes.createArrayType(a.elementType(), true) : f.dataType()).as(f.name()))
                .toArray(Column[]::new);
        Dataset<Row> typed = rows.select(columns);
        return ((org.apache.spark.sql.classic.SparkSession) rows.sparkSession())
                .internalCreateDataFrame(typed.queryExecution().toRdd(), schema, false);
    }
}
