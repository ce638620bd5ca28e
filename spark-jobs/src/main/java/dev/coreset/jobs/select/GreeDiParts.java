package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.ingest.SplitAndNoise;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.cluster.KMeans;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The "part" column of GreeDi's first round (a part id per class, each part at most {@code partitionSize}
 * points): random parts from a seeded hash of the id, or k-means parts. For k-means, each class with more than one
 * part clusters a seeded sample of at most {@code partitionSize} of its points (one task per class, plain-Java
 * {@link KMeans}), every point goes to its nearest center (centers broadcast: parts x d floats per class), and a
 * cluster larger than {@code partitionSize} is split at random into equal sub-parts, so memory per task stays one part.
 */
final class GreeDiParts {
    static final String PART = "part";
    private static final int KMEANS_ITERATIONS = 20;

    private GreeDiParts() {
    }

    static Dataset<Row> random(Dataset<Row> points, Map<Integer, Integer> partsPerClass, long seed) {
        return points.withColumn(PART, pmod(xxhash64(lit(seed), lit(7), col(Tables.SAMPLE_ID)),
                perClass(partsPerClass, 1).cast("long")).cast("int"));
    }

    /**
     * Points with their part column, and the cache they are read from (null: none), which {@link #close} releases.
     * The rows themselves are not cached: what they add to the cache (a join with a broadcast plan, a hash) is cheap.
     */
    record Parts(Dataset<Row> rows, Dataset<Row> cache) implements AutoCloseable {
        /** Rows that are not cheap to recompute, persisted here and released by {@link #close}. */
        static Parts persisted(Dataset<Row> rows) {
            Dataset<Row> kept = rows.persist(StorageLevel.MEMORY_AND_DISK());
            return new Parts(kept, kept);
        }

        @Override
        public void close() {
            if (cache != null) {
                cache.unpersist();
            }
        }
    }

    /**
     * k-means parts, always read from a cache of their own. The nearest-center pass runs once per row: its result is
     * cached (and counted, which materializes it) before the plan of sub-parts is made, so the caller may release
     * {@code points}' own cache once this returns. (When every class is one part nothing is clustered or counted:
     * the cached random parts fill on their first read.)
     */
    static Parts kmeans(SparkSession spark, Dataset<Row> points, Map<Integer, Long> classSizes,
                        Map<Integer, Integer> partsPerClass, int partitionSize, long seed) {
        if (partsPerClass.values().stream().allMatch(p -> p <= 1)) {
            // Every class is one part: nothing to cluster (same part ids), still cached like every k-means result.
            return Parts.persisted(random(points, partsPerClass, seed));
        }
        ProgressListener.stage(spark, "select: k-means parts");
        Map<Integer, Double> rate = new HashMap<>();
        partsPerClass.forEach((c, p) -> rate.put(c, p > 1 ? Math.min(1.0, (double) partitionSize / classSizes.get(c)) : 0.0));
        Column rateCol = lit(0.0);
        for (var e : rate.entrySet()) {
            rateCol = when(col(Tables.LABEL).equalTo(e.getKey()), lit(e.getValue())).otherwise(rateCol);
        }
        Map<Integer, Integer> partsCopy = new HashMap<>(partsPerClass);
        Dataset<Row> sampled = points.filter(SplitAndNoise.uniform(seed, 13).lt(rateCol))
                .groupBy(Tables.LABEL)
                .agg(collect_list(struct(col(Tables.SAMPLE_ID), col(Tables.EMBEDDING))).as("pts"));
        // Catalyst rows: each class's sample arrives as float arrays, not as rows of boxed floats.
        List<Row> fitted = sampled.queryExecution().toRdd().toJavaRDD().map(row -> {
            int label = row.getInt(0);
            DistributedGreedy.Points p = DistributedGreedy.Points.sortedByIdFromStructs(row.getArray(1));
            KMeans.Result r = KMeans.fit(p.rows, p.n, p.d, Math.min(partsCopy.get(label), p.n), KMEANS_ITERATIONS,
                    seed * 131 + label);
            return RowFactory.create(label, r.centers(), r.k(), r.d());
        }).collect();
        Map<Integer, Centers> centers = new HashMap<>();
        for (Row r : fitted) {
            centers.put(r.getInt(0), new Centers((float[]) r.get(1), r.getInt(2), r.getInt(3)));
        }
        Broadcast<Map<Integer, Centers>> centersB = spark.sparkContext()
                .broadcast(centers, scala.reflect.ClassTag$.MODULE$.apply(Map.class));
        StructType in = points.schema();
        RDD<InternalRow> assigned = points.queryExecution().toRdd().toJavaRDD().mapPartitions(new NearestClusters(
                centersB, in.fieldIndex(Tables.LABEL), in.fieldIndex(Tables.EMBEDDING))).rdd();
        Dataset<Row> clustered = ((org.apache.spark.sql.classic.SparkSession) spark)
                .internalCreateDataFrame(assigned, in.add("cluster", DataTypes.IntegerType, false), false)
                .persist(StorageLevel.MEMORY_AND_DISK());

        // Clusters above partitionSize become ceil(size / partitionSize) random sub-parts: (label, cluster) -> first part.
        List<Row> counts;
        try {
            // A few rows per class: sorted here, since a Spark orderBy costs a sampling job and a shuffle.
            counts = new ArrayList<>(clustered.groupBy(Tables.LABEL, "cluster").count().collectAsList());
            counts.sort(Comparator.comparingInt((Row r) -> r.getInt(0)).thenComparingInt(r -> r.getInt(1)));
        } catch (RuntimeException e) {
            clustered.unpersist(); // no Parts to close yet: a failed count leaves no cache behind
            throw e;
        }
        List<Row> plan = new ArrayList<>();
        Map<Integer, Integer> next = new HashMap<>();
        for (Row r : counts) {
            int label = r.getInt(0);
            int sub = (int) Math.max(1, (r.getLong(2) + partitionSize - 1) / partitionSize);
            int first = next.getOrDefault(label, 0);
            next.put(label, first + sub);
            plan.add(RowFactory.create(label, r.getInt(1), first, sub));
        }
        StructType planSchema = new StructType().add(Tables.LABEL, DataTypes.IntegerType)
                .add("cluster", DataTypes.IntegerType).add("first", DataTypes.IntegerType).add("sub", DataTypes.IntegerType);
        Dataset<Row> planDf = broadcast(spark.createDataFrame(plan, planSchema));
        return new Parts(clustered.join(planDf, scala.jdk.javaapi.CollectionConverters.asScala(List.of(Tables.LABEL, "cluster")).toSeq())
                .withColumn(PART, col("first").plus(pmod(xxhash64(lit(seed), lit(7), col(Tables.SAMPLE_ID)),
                        col("sub").cast("long"))).cast("int"))
                .drop("cluster", "first", "sub"), clustered);
    }

    /** A per-class value as a column: label -> value, else {@code otherwise}. */
    private static Column perClass(Map<Integer, Integer> values, int otherwise) {
        Column c = lit(otherwise);
        for (var e : values.entrySet()) {
            c = when(col(Tables.LABEL).equalTo(e.getKey()), lit(e.getValue())).otherwise(c);
        }
        return c;
    }

    /** One class's k-means centers, row-major. */
    record Centers(float[] rows, int k, int d) implements java.io.Serializable {
    }
}
