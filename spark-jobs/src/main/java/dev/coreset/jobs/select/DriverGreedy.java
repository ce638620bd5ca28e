package dev.coreset.jobs.select;

import dev.coreset.jobs.TaskFaults;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.jobs.select.DistributedGreedy.ClassResult;
import dev.coreset.jobs.select.DistributedGreedy.Points;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.kernel.Workers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A small table's greedy selection on the driver: its candidate rows come to the driver in one Spark job, are
 * checked there ({@link ScoresRowChecks#checkCollected}) and, when every class fits in one part, each class runs
 * {@link OnePartClasses}' three rounds on a driver thread ({@link Workers}, largest class first). The same code on
 * the same points sorted by id as the Spark path, so the same manifest; what it saves is the fixed cost of the
 * checks' and the greedy's Spark jobs (task scheduling, shuffles, query planning), which is most of a small
 * selection's time.
 */
public final class DriverGreedy {
    /** Tables up to this many uncompressed bytes (from their Parquet footers) are selected on the driver; 0: never. */
    public static final String CONF = "spark.coreset.select.driverBytes";
    static final String DEFAULT = "32m";

    private DriverGreedy() {
    }

    /** Whether a table of these footers is small enough to collect (null footers: unknown size, so no). */
    static boolean fits(SparkSession spark, TableFooters footers) {
        long limit = JavaUtils.byteStringAsBytes(spark.conf().get(CONF, DEFAULT));
        return footers != null && limit > 0 && footers.uncompressedBytes() <= limit;
    }

    /**
     * @param rows the checked candidate rows (sample_id, label, embedding among their columns)
     * @param budgets class label to k_c; every class with a budget fits in one part
     */
    static List<ClassResult> run(SparkSession spark, PartSelector selector, long seed, List<Row> rows,
                                 Map<Integer, Integer> budgets) {
        ProgressListener.stage(spark, "select: greedy per class (driver)");
        Map<Integer, List<PartPoint>> byClass = new HashMap<>();
        int idAt = rows.get(0).fieldIndex(Tables.SAMPLE_ID);
        int labelAt = rows.get(0).fieldIndex(Tables.LABEL);
        int embeddingAt = rows.get(0).fieldIndex(Tables.EMBEDDING);
        for (Row r : rows) {
            int label = r.getInt(labelAt);
            if (budgets.getOrDefault(label, 0) > 0) {
                List<?> values = r.getList(embeddingAt);
                float[] e = new float[values.size()];
                Points.copy(values, e, 0);
                PartPoint p = new PartPoint();
                p.setId(r.getLong(idAt));
                p.setLabel(label);
                p.setEmbedding(e);
                byClass.computeIfAbsent(label, x -> new ArrayList<>()).add(p);
            }
        }
        // The largest classes first, so the threads finish together.
        List<List<PartPoint>> classes = new ArrayList<>(byClass.values());
        classes.sort(Comparator.comparingInt((List<PartPoint> c) -> -c.size()).thenComparingInt(c -> c.get(0).getLabel()));
        int threads = Math.max(1, Math.min(classes.size(), Math.min(spark.sparkContext().defaultParallelism(),
                Runtime.getRuntime().availableProcessors())));
        ClassResult[] results = new ClassResult[classes.size()];
        try (Workers workers = Workers.create(threads)) {
            workers.run(classes.size(), i -> results[i] = OnePartClasses.oneClass(selector, seed, TaskFaults.NONE,
                    budgets, classes.get(i)));
        }
        List<ClassResult> byLabel = new ArrayList<>(List.of(results));
        byLabel.sort(Comparator.comparingInt(ClassResult::label));
        return byLabel;
    }
}
