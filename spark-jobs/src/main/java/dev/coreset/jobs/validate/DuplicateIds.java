package dev.coreset.jobs.validate;

import static org.apache.spark.sql.functions.*;

import dev.coreset.schemas.Tables;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The smallest sample_id that occurs more than once in a table (the unique-id check of ingest and select). While
 * the ids fit in a small share of the driver's heap, each task sorts its partition's ids and the driver merges the
 * sorted arrays: one read of the id column and no shuffle, about a third of a groupBy's time at 1M rows
 * (docs/BENCHMARKS.md). Above that, a groupBy on the id, whose memory Spark bounds per task.
 */
public final class DuplicateIds {
    /** The ids may take 1/32 of the driver's max heap (they are held about three times: results, arrays, merge). */
    private static final long HEAP_SHARE = 32;

    private DuplicateIds() {
    }

    /**
     * @param rows     a table with a non-null {@link Tables#SAMPLE_ID} column (the null check runs first)
     * @param rowCount its row count, known from an earlier pass; chooses the path
     * @return the smallest id held by two rows or more; null when every id is unique
     */
    public static Long smallest(Dataset<Row> rows, long rowCount) {
        return smallest(rows, rowCount, driverRows());
    }

    /** The most ids the driver merges itself: 8 bytes each, three times over, within 1/32 of its heap. */
    static long driverRows() {
        return Runtime.getRuntime().maxMemory() / HEAP_SHARE / (3L * Long.BYTES);
    }

    /** @param driverRows up to how many rows the driver merges the sorted ids (tests choose the path with it) */
    static Long smallest(Dataset<Row> rows, long rowCount, long driverRows) {
        Dataset<Row> ids = rows.select(Tables.SAMPLE_ID);
        return rowCount <= driverRows ? mergedOnDriver(ids) : grouped(ids);
    }

    private static Long grouped(Dataset<Row> ids) {
        Row dup = ids.groupBy(Tables.SAMPLE_ID).count().filter(col("count").gt(1)).agg(min(Tables.SAMPLE_ID)).first();
        return dup.isNullAt(0) ? null : dup.getLong(0);
    }

    private static Long mergedOnDriver(Dataset<Row> ids) {
        List<long[]> parts = ids.queryExecution().toRdd().toJavaRDD().mapPartitions(new SortedIds()).collect();
        long total = 0;
        for (long[] p : parts) total += p.length;
        long[] all = new long[Math.toIntExact(total)];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        // Sorted runs: the sort merges them.
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            if (all[i] == all[i - 1]) return all[i];
        }
        return null;
    }

    /** One partition's ids, sorted, as one array. */
    private static final class SortedIds implements FlatMapFunction<Iterator<InternalRow>, long[]> {
        @Override
        public Iterator<long[]> call(Iterator<InternalRow> rows) {
            long[] ids = new long[1024];
            int n = 0;
            while (rows.hasNext()) {
                InternalRow r = rows.next();
                if (r.isNullAt(0)) continue;
                if (n == ids.length) ids = Arrays.copyOf(ids, 2 * n);
                ids[n++] = r.getLong(0);
            }
            long[] sorted = Arrays.copyOf(ids, n);
            Arrays.sort(sorted);
            return List.of(sorted).iterator();
        }
    }
}
