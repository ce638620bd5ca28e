package dev.coreset.jobs.validate;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;

/**
 * Row conditions on a numeric array column built from sort and extremes, which Spark compiles, instead of
 * {@code exists(array, x -> ...)}: its lambda is evaluated interpreted, element by element, about 5-10x the time of
 * the whole compiled check on 1M rows of 64 floats (docs/BENCHMARKS.md). Sorted ascending, an array has its null
 * elements first and NaN last (Spark orders NaN above every number).
 */
public final class ArrayConditions {
    private ArrayConditions() {
    }

    /** The array is null, or holds a null, NaN or infinite element (an empty array does not). */
    public static Column nullOrNonFinite(Column array) {
        Column sorted = sort_array(array, true);
        Column first = try_element_at(sorted, lit(1));
        Column last = try_element_at(sorted, lit(-1));
        return array.isNull().or(size(array).gt(0).and(first.isNull().or(isnan(last))
                .or(last.equalTo(lit(Float.POSITIVE_INFINITY))).or(first.equalTo(lit(Float.NEGATIVE_INFINITY)))));
    }

    /** A non-empty array holds a null element or one below {@code min}. */
    public static Column nullOrBelow(Column array, long min) {
        Column first = try_element_at(sort_array(array, true), lit(1));
        return size(array).gt(0).and(first.isNull().or(first.lt(min)));
    }

    /** A non-empty array holds an element at or above {@code limit} (nulls ignored). */
    public static Column atOrAbove(Column array, long limit) {
        return coalesce(array_max(array).geq(limit), lit(false));
    }
}
