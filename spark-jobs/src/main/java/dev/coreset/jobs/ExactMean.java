package dev.coreset.jobs;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * A mean that does not depend on how rows are partitioned. Spark's avg adds doubles partition by partition and
 * merges the partial sums in task order, so its last bits change with the number of tasks; here each value is
 * rounded once to a decimal with 18 fractional digits, the decimals add exactly in any order, and the sum
 * becomes a double once before the division. Used where a mean decides a selection (CLD's class validation
 * losses, NUCS class difficulty), so local[1] and local[8] pick the same samples.
 */
public final class ExactMean {
    private ExactMean() {
    }

    /**
     * The mean of the non-null values of {@code c} (null for none), independent of partitioning; NaN when a
     * value is NaN or infinite, as avg would give (a decimal cannot hold those, so they are counted apart).
     */
    public static Column of(Column c) {
        Column d = c.cast("double");
        Column nonFinite = isnan(d).or(d.equalTo(lit(Double.POSITIVE_INFINITY)))
                .or(d.equalTo(lit(Double.NEGATIVE_INFINITY)));
        Column exact = sum(when(nonFinite, lit(null)).otherwise(d).cast("decimal(38,18)")).cast("double")
                .divide(count(c));
        return when(sum(when(nonFinite, 1).otherwise(0)).gt(0), lit(Double.NaN)).otherwise(exact);
    }
}
