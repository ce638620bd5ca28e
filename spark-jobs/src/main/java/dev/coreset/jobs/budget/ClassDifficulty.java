package dev.coreset.jobs.budget;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.ExactMean;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.budget.ClassBudgets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * NUCS class difficulty in Spark (the definition is {@link ClassBudgets#classDifficulty}): per class, the mean of
 * a per-sample difficulty column clipped to the class's {@link ClassBudgets#WINSOR_LOW}..{@link
 * ClassBudgets#WINSOR_HIGH} quantiles. Quantiles are approximate (percentile_approx, accuracy 10,000), so only
 * C numbers reach the driver.
 */
public final class ClassDifficulty {
    private ClassDifficulty() {
    }

    /** Label -> winsorized mean of {@code column} over the rows of that label. */
    public static Map<Integer, Double> winsorizedMean(Dataset<Row> rows, String column) {
        Dataset<Row> bounds = rows.groupBy(Tables.LABEL).agg(
                percentile_approx(col(column), lit(ClassBudgets.WINSOR_LOW), lit(10000)).as("_lo"),
                percentile_approx(col(column), lit(ClassBudgets.WINSOR_HIGH), lit(10000)).as("_hi"));
        Map<Integer, Double> out = new TreeMap<>();
        for (Row r : rows.join(broadcast(bounds), Tables.LABEL)
                .groupBy(Tables.LABEL)
                // Exact sum: the order Spark adds the rows in cannot change the budgets.
                .agg(ExactMean.of(least(greatest(col(column).cast("double"), col("_lo")), col("_hi"))))
                .collectAsList()) {
            out.put(r.getInt(0), r.getDouble(1));
        }
        return out;
    }
}
