package dev.coreset.jobs;

import static org.apache.spark.sql.functions.col;
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
        return mean(c, decimal(c));
    }

    /** The column {@link #decimalColumn} names and {@link #ofProjected} sums. */
    public static final String DECIMAL = "_exact_decimal";

    /**
     * The decimal each value of {@code c} adds (null when not finite), to select as {@link #DECIMAL} below the
     * aggregate of {@link #ofProjected}: inside a sum, Spark converts each double to a decimal twice per row
     * (Double.toString both times); read from a column, once.
     */
    public static Column decimalColumn(Column c) {
        return decimal(c).as(DECIMAL);
    }

    /** {@link #of} over a table that also holds {@link #decimalColumn}(c): the same value, half the conversions. */
    public static Column ofProjected(Column c) {
        return mean(c, col(DECIMAL));
    }

    private static Column nonFinite(Column c) {
        Column d = c.cast("double");
        return isnan(d).or(d.equalTo(lit(Double.POSITIVE_INFINITY))).or(d.equalTo(lit(Double.NEGATIVE_INFINITY)));
    }

    private static Column decimal(Column c) {
        return when(nonFinite(c), lit(null)).otherwise(c.cast("double")).cast("decimal(38,18)");
    }

    private static Column mean(Column c, Column decimal) {
        Column exact = sum(decimal).cast("double").divide(count(c));
        return when(sum(when(nonFinite(c), 1).otherwise(0)).gt(0), lit(Double.NaN)).otherwise(exact);
    }
}
