package dev.coreset.jobs.cld;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * ClassTopK (issue 21: a sort on one packed key instead of a window over the class) picks what the window picked:
 * CLD descending in Spark's order (NaN first, -0.0 equal to 0.0), ties to the lower sample_id, k_c per class, none
 * for a class with k_c = 0 or without a budget.
 */
class ClassTopKTest {
    private final SparkSession spark = SparkTestSession.get();

    /** The selection before issue 21: row_number over a window per class. */
    private static Dataset<Row> byWindow(Dataset<Row> eligible, Map<Integer, Long> budgets) {
        List<Row> rows = new ArrayList<>();
        budgets.forEach((label, k) -> rows.add(RowFactory.create(label, k)));
        Dataset<Row> ks = eligible.sparkSession().createDataFrame(rows,
                new StructType().add("_label", DataTypes.IntegerType).add("_k", DataTypes.LongType));
        return eligible
                .withColumn("_rn", row_number().over(Window.partitionBy(Tables.LABEL)
                        .orderBy(col(Tables.CLD).desc(), col(Tables.SAMPLE_ID).asc())))
                .join(broadcast(ks), col(Tables.LABEL).equalTo(col("_label")))
                .filter(col("_rn").leq(col("_k")))
                .select(col(Tables.SAMPLE_ID), col(Tables.LABEL), lit(1.0).as(Tables.WEIGHT),
                        col(Tables.CLD).as(Tables.SCORE), col("_rn").minus(1).cast("int").as(Tables.RANK));
    }

    @Test
    void picksWhatTheWindowPicked() {
        double[] values = {Double.NaN, -0.0, 0.0, 1.0, -1.0, 0.25, 0.25 + 1e-12, -0.9999999999, 0.5, 0.75};
        Random rnd = new Random(21);
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < 3_000; id++) {
            double cld = rnd.nextInt(3) == 0 ? values[rnd.nextInt(values.length)] : rnd.nextDouble() * 2 - 1;
            rows.add(RowFactory.create(id, (int) (id % 7), cld));
        }
        Dataset<Row> eligible = spark.createDataFrame(rows, new StructType()
                .add(Tables.SAMPLE_ID, DataTypes.LongType, false).add(Tables.LABEL, DataTypes.IntegerType, false)
                .add(Tables.CLD, DataTypes.DoubleType, true)).repartition(5);
        Map<Integer, Long> budgets = Map.of(0, 50L, 1, 0L, 2, 1L, 3, 10_000L, 4, 200L, 6, 429L);
        List<Row> expected = byWindow(eligible, budgets).orderBy(Tables.LABEL, Tables.RANK).collectAsList();
        List<Row> got = ClassTopK.select(eligible, budgets).orderBy(Tables.LABEL, Tables.RANK).collectAsList();
        assertEquals(50 + 1 + 429 + 200 + 428, expected.size()); // classes 0-3 hold 429 samples, 4-6 hold 428
        assertEquals(expected, got);
    }
}
