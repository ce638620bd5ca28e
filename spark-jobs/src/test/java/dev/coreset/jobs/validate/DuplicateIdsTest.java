package dev.coreset.jobs.validate;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Both paths of the unique-id check name the same smallest duplicate, wherever its copies sit. */
class DuplicateIdsTest {
    private final SparkSession spark = SparkTestSession.get();

    /** Rows with these ids (and a label), cut in order into {@code partitions} contiguous partitions. */
    private Dataset<Row> table(List<Long> ids, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (long id : ids) rows.add(RowFactory.create(id, (int) (id % 3)));
        StructType schema = new StructType().add("sample_id", DataTypes.LongType, false).add("label", DataTypes.IntegerType);
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
                schema);
    }

    /** The driver merge (every row fits) and the groupBy (none does) on the same table. */
    private static void bothPaths(Dataset<Row> t, Long expected) {
        long rows = t.count();
        assertEquals(expected, DuplicateIds.smallest(t, rows, Long.MAX_VALUE), "merged on the driver");
        assertEquals(expected, DuplicateIds.smallest(t, rows, 0), "grouped");
    }

    @Test
    void uniqueIdsHaveNoDuplicate() {
        bothPaths(table(LongStream.range(0, 5000).map(i -> i * 7919 % 100_003).boxed().toList(), 3), null);
    }

    @Test
    void smallestDuplicateAmongSeveral() {
        List<Long> ids = new ArrayList<>(LongStream.range(100, 3000).boxed().toList());
        ids.addAll(List.of(2500L, 417L, 2500L, 999L, 417L));
        bothPaths(table(ids, 4), 417L);
    }

    @Test
    void duplicateWhoseCopiesSitInDifferentPartitions() {
        // Id -5 once in each of two partitions, nothing else repeated: only the merge across tasks can see it.
        List<Long> ids = new ArrayList<>(LongStream.range(0, 2000).boxed().toList());
        ids.add(1000, -5L);
        ids.add(1001, -5L);
        Dataset<Row> t = table(ids, 2);
        assertEquals(2, t.rdd().getNumPartitions());
        assertEquals(List.of(1L, 1L), t.filter("sample_id = -5").groupBy(org.apache.spark.sql.functions.spark_partition_id())
                .count().select("count").as(org.apache.spark.sql.Encoders.LONG()).collectAsList(), "one copy per partition");
        bothPaths(t, -5L);
    }

    @Test
    void emptyTable() {
        bothPaths(table(List.of(), 2), null);
    }

    @Test
    void theDriverPathHasABoundFromTheHeap() {
        long bound = DuplicateIds.driverRows();
        assertTrue(bound > 0 && bound <= Runtime.getRuntime().maxMemory() / 32 / 8, "bound " + bound);
    }
}
