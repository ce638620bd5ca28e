package dev.coreset.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.when;

import dev.coreset.schemas.CoresetInputException;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructType;

/** The tokens column of a Parquet input as array&lt;int&gt;, cut at the length column when there is one. */
final class TokenIngest {
    private TokenIngest() {
    }

    static Column tokens(StructType schema, TokenOptions o, DataType type, String input) {
        if (!(type instanceof ArrayType at && at.elementType() instanceof IntegralType)) {
            throw new CoresetInputException(input + ": tokens column '" + o.tokensColumn() + "' has type "
                    + type.simpleString() + "; --tokens-column takes an array of integer token ids per row.");
        }
        Column ids = col(o.tokensColumn()).cast(DataTypes.createArrayType(DataTypes.IntegerType));
        if (o.lengthColumn() == null) {
            return ids;
        }
        if (!Arrays.asList(schema.fieldNames()).contains(o.lengthColumn())) {
            throw new CoresetInputException(input + ": no column '" + o.lengthColumn() + "' (columns: "
                    + String.join(", ", schema.fieldNames()) + "); fix --length-column.");
        }
        if (!(schema.apply(o.lengthColumn()).dataType() instanceof IntegralType)) {
            throw new CoresetInputException(input + ": length column '" + o.lengthColumn() + "' has type "
                    + schema.apply(o.lengthColumn()).dataType().simpleString() + "; it must hold each row's token count.");
        }
        Column length = col(o.lengthColumn()).cast("int");
        // A null or non-positive length leaves the row empty, which the validator then names.
        return when(length.isNull().or(length.leq(0)), slice(ids, 1, 0)).otherwise(slice(ids, lit(1), length));
    }
}
