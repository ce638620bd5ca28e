package dev.coreset.jobs.validate;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The compiled array conditions flag exactly the rows the element-wise {@code exists} lambdas flag. */
class ArrayConditionsTest {
    private final SparkSession spark = SparkTestSession.get();

    private static final List<String> FLOATS = List.of("NULL", "array()", "array(1.0F, 2.0F)", "array(-3.5F)",
            "array(1.0F, NULL)", "array(NULL)", "array(CAST('NaN' AS FLOAT), 1.0F)", "array(2.0F, CAST('Infinity' AS FLOAT))",
            "array(CAST('-Infinity' AS FLOAT), 0.0F)", "array(NULL, CAST('NaN' AS FLOAT))",
            "array(CAST('Infinity' AS FLOAT), CAST('NaN' AS FLOAT))", "array(3.4E38F, -3.4E38F)",
            "array(1.0F, NULL, 2.0F)", "array(NULL, CAST('-Infinity' AS FLOAT))", "array(0.0F, -0.0F, 1.4E-45F)");

    private static final List<String> INTS = List.of("NULL", "array()", "array(0, 5)", "array(7, -1)", "array(NULL, 3)",
            "array(16777215)", "array(2, 16777216)", "array(NULL, 16777216)", "array(-2147483648)");

    private Dataset<Row> table(List<String> arrays, String type) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < arrays.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(" AS i, CAST(")
                    .append(arrays.get(i)).append(" AS ARRAY<").append(type).append(">) AS a");
        }
        return spark.sql(sql.toString());
    }

    private static void sameFlags(Dataset<Row> t, Column compiled, Column lambda) {
        List<Row> rows = t.select(col("i"), coalesce(compiled, lit(false)), coalesce(lambda, lit(false)))
                .orderBy("i").collectAsList();
        for (Row r : rows) {
            assertEquals(r.getBoolean(2), r.getBoolean(1), "row " + r.getInt(0));
        }
        assertTrue(rows.stream().anyMatch(r -> r.getBoolean(2)), "some rows are flagged");
        assertTrue(rows.stream().anyMatch(r -> !r.getBoolean(2)), "some rows are not");
    }

    @Test
    void nonFiniteFloatsAsTheLambdaFindsThem() {
        Dataset<Row> t = table(FLOATS, "FLOAT");
        sameFlags(t, ArrayConditions.nullOrNonFinite(col("a")), col("a").isNull().or(exists(col("a"),
                x -> x.isNull().or(isnan(x)).or(x.equalTo(lit(Float.POSITIVE_INFINITY)))
                        .or(x.equalTo(lit(Float.NEGATIVE_INFINITY))))));
    }

    @Test
    void tokenIdsBelowZeroOrTooLargeAsTheLambdaFindsThem() {
        Dataset<Row> t = table(INTS, "INT");
        sameFlags(t, ArrayConditions.nullOrBelow(col("a"), 0), exists(col("a"), x -> x.isNull().or(x.lt(0))));
        sameFlags(t, ArrayConditions.atOrAbove(col("a"), 1 << 24), exists(col("a"), x -> x.geq(1 << 24)));
    }
}
