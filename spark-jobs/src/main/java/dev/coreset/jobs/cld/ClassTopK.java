package dev.coreset.jobs.cld;

import static org.apache.spark.sql.functions.*;

import dev.coreset.schemas.Tables;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.StreamSupport;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The top k_c of each class by CLD, ties to the lower sample_id; rank = position in class from 0. Each class goes
 * to one partition, sorted by (class, CLD descending, sample_id) and streamed, counting per class. The sort's first
 * key packs the class and a 31-bit rank of CLD into one long, so the sorter's 8-byte prefix settles nearly every
 * comparison; a window over class compared whole rows on every class tie (issue 21). Memory: the sorter's.
 */
final class ClassTopK {
    private static final String KEY = "_class_cld_key";
    private static final double STEPS = 1L << 29;

    private ClassTopK() {
    }

    static Dataset<Row> select(Dataset<Row> eligible, Map<Integer, Long> budgets) {
        Column cld = col(Tables.CLD);
        // Non-decreasing along (label asc, cld desc in Spark's order: NaN first, null last); CLD is a correlation,
        // so 1 - cld is in [0, 2] and the clamp only guards the order for values outside it.
        Column step = floor(least(greatest(lit(1.0).minus(cld), lit(0.0)), lit(2.0)).multiply(STEPS)).plus(1);
        Column order = when(cld.isNull(), lit((long) Integer.MAX_VALUE)).when(isnan(cld), lit(0L)).otherwise(step);
        Column key = col(Tables.LABEL).cast("long").multiply(lit(1L << 32)).plus(order);
        StructType schema = new StructType().add(Tables.SAMPLE_ID, DataTypes.LongType, false)
                .add(Tables.LABEL, DataTypes.IntegerType, false).add(Tables.WEIGHT, DataTypes.DoubleType, false)
                .add(Tables.SCORE, DataTypes.DoubleType, true).add(Tables.RANK, DataTypes.IntegerType, false);
        return eligible.select(col(Tables.SAMPLE_ID), col(Tables.LABEL), cld, key.as(KEY))
                .repartition(col(Tables.LABEL))
                .sortWithinPartitions(col(KEY), cld.desc(), col(Tables.SAMPLE_ID).asc())
                .mapPartitions(new FirstK(budgets), Encoders.row(schema));
    }

    /** Streams rows sorted by class then CLD order, keeping the first k_c of each class with their rank. */
    static final class FirstK implements MapPartitionsFunction<Row, Row> {
        private final HashMap<Integer, Long> budgets;

        FirstK(Map<Integer, Long> budgets) {
            this.budgets = new HashMap<>(budgets);
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            Map<Integer, Integer> taken = new HashMap<>();
            // A lazy stream: one row at a time, whatever the partition's size.
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED), false)
                    .filter(r -> taken.getOrDefault(r.getInt(1), 0) < budgets.getOrDefault(r.getInt(1), 0L))
                    .map(r -> {
                        int rank = taken.merge(r.getInt(1), 1, Integer::sum) - 1;
                        return RowFactory.create(r.getLong(0), r.getInt(1), 1.0, r.isNullAt(2) ? null : r.getDouble(2),
                                rank);
                    })
                    .iterator();
        }
    }
}
