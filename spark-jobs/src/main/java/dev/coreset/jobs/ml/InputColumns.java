package dev.coreset.jobs.ml;

import dev.coreset.jobs.select.FloatVectorColumns;
import dev.coreset.schemas.CoresetInputException;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks of the Spark ML stages' input and output columns (run by transformSchema, so a Pipeline fails
 * before any job): one-line {@link CoresetInputException}s naming the stage, the column, its param and the fix.
 */
final class InputColumns {
    private final String owner;
    private final StructType schema;

    InputColumns(String owner, StructType schema) {
        this.owner = owner;
        this.schema = schema;
    }

    boolean has(String column) {
        return Arrays.asList(schema.fieldNames()).contains(column);
    }

    /** A column that must exist; {@code fix} says what to set instead. */
    DataType require(String param, String column, String fix) {
        if (!has(column)) {
            throw new CoresetInputException(owner + ": the input has no column '" + column + "' (" + param + "); " + fix);
        }
        return field(column).dataType();
    }

    void requireIntegral(String param, String column, String fix) {
        DataType t = require(param, column, fix);
        if (!(t == DataTypes.LongType || t == DataTypes.IntegerType || t == DataTypes.ShortType || t == DataTypes.ByteType)) {
            throw wrongType(param, column, t, "an integer type");
        }
    }

    /** Class labels: an integer type, or double as Spark ML labels usually are (cast to int). */
    void requireLabel(String param, String column, String fix) {
        DataType t = require(param, column, fix);
        if (!(t instanceof NumericType)) {
            throw wrongType(param, column, t, "a numeric class index 0..C-1");
        }
    }

    void requireNumeric(String param, String column, String fix) {
        DataType t = require(param, column, fix);
        if (!(t instanceof NumericType)) {
            throw wrongType(param, column, t, "numeric");
        }
    }

    void requireType(String param, String column, DataType expected, String fix) {
        DataType t = require(param, column, fix);
        if (!t.equals(expected)) {
            throw wrongType(param, column, t, expected.simpleString());
        }
    }

    /** array<float>, array<double> or an ML Vector: what {@link #floatArray} turns into array<float>. */
    void requireVector(String param, String column, String fix) {
        DataType t = require(param, column, fix);
        if (!FloatVectorColumns.accepts(t)) {
            throw wrongType(param, column, t, FloatVectorColumns.ACCEPTED);
        }
    }

    /** The column as array<float>: as is, cast from array<double>, or unpacked from an ML Vector. */
    Column floatArray(String column) {
        return FloatVectorColumns.asFloatArray(column, field(column).dataType());
    }

    /** An output column the stage adds must not be in the input already. */
    void requireAbsent(String column, String fix) {
        if (has(column)) {
            throw new CoresetInputException(owner + ": the input already has a column '" + column + "', which this stage adds; " + fix);
        }
    }

    private StructField field(String column) {
        return schema.apply(column);
    }

    private CoresetInputException wrongType(String param, String column, DataType t, String expected) {
        return new CoresetInputException(owner + ": input column '" + column + "' (" + param + ") is " + t.simpleString()
                + "; it must be " + expected + ".");
    }
}
