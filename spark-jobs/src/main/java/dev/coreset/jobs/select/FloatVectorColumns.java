package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The embedding column types selection accepts and their one form inside it, array&lt;float&gt; (what
 * {@link PartPoint} carries): shared by {@code select --embeddings} tables and {@code CoresetSelector}, so both
 * take the same vectors.
 */
public final class FloatVectorColumns {
    /** Words for error messages. */
    public static final String ACCEPTED = "array<float>, array<double> or an ML Vector";

    private FloatVectorColumns() {
    }

    public static boolean accepts(DataType t) {
        return t instanceof VectorUDT || (t instanceof ArrayType a
                && (a.elementType() == DataTypes.FloatType || a.elementType() == DataTypes.DoubleType));
    }

    /** The column as array&lt;float&gt;: as is, cast from array&lt;double&gt;, or unpacked from an ML Vector. */
    public static Column asFloatArray(String column, DataType t) {
        if (t instanceof VectorUDT) {
            return org.apache.spark.ml.functions.vector_to_array(col(column), "float32");
        }
        if (t instanceof ArrayType a && a.elementType() == DataTypes.FloatType) {
            return col(column);
        }
        return col(column).cast(DataTypes.createArrayType(DataTypes.FloatType));
    }
}
