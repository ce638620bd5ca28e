package dev.coreset.jobs.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.bench.PartsBench;
import dev.coreset.schemas.Tables;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The k-means parts' nearest-center pass: every row keeps its columns and gains its class's nearest center. */
class NearestClustersTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void eachRowGetsItsClassesNearestCenterAcrossBatchesAndClasses() {
        // 3 classes, more rows than a batch per partition; class 2 has no centers (one part): cluster 0.
        Dataset<Row> points = PartsBench.synthetic(spark, 3 * NearestClusters.BATCH + 77, 5, 3, 4, 6.0, 3)
                .select(Tables.LABEL, Tables.SAMPLE_ID, Tables.EMBEDDING).repartition(2);
        Random r = new Random(11);
        Map<Integer, GreeDiParts.Centers> centers = new HashMap<>();
        for (int label : new int[] {0, 1}) {
            int k = 3 + label * 4;
            float[] rows = new float[k * 5];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (float) (6 * r.nextGaussian());
            }
            centers.put(label, new GreeDiParts.Centers(rows, k, 5));
        }
        Broadcast<Map<Integer, GreeDiParts.Centers>> b = spark.sparkContext()
                .broadcast(centers, scala.reflect.ClassTag$.MODULE$.apply(Map.class));
        StructType in = points.schema();
        RDD<InternalRow> out = points.queryExecution().toRdd().toJavaRDD()
                .mapPartitions(new NearestClusters(b, in.fieldIndex(Tables.LABEL), in.fieldIndex(Tables.EMBEDDING))).rdd();
        List<Row> rows = ((org.apache.spark.sql.classic.SparkSession) spark)
                .internalCreateDataFrame(out, in.add("cluster", DataTypes.IntegerType, false), false).collectAsList();

        assertEquals(points.count(), rows.size());
        assertEquals(points.select(Tables.SAMPLE_ID).distinct().count(), rows.stream().map(x -> x.getLong(1)).distinct().count());
        int[] perClass = new int[3];
        for (Row row : rows) {
            int label = row.getInt(0);
            perClass[label]++;
            List<Float> e = row.getList(2);
            GreeDiParts.Centers c = centers.get(label);
            int got = row.getInt(3);
            if (c == null) {
                assertEquals(0, got, "sample " + row.getLong(1) + " of a class without centers");
                continue;
            }
            assertTrue(got >= 0 && got < c.k(), "cluster " + got);
            double best = Double.MAX_VALUE;
            for (int j = 0; j < c.k(); j++) {
                best = Math.min(best, squaredDistance(e, c, j));
            }
            // The kernel works in float: an exact tie in double may go either way, nothing else may.
            assertEquals(best, squaredDistance(e, c, got), 1e-4 * (1 + best), "sample " + row.getLong(1) + " of class " + label);
        }
        for (int count : perClass) {
            assertTrue(count > 0, "every class has rows");
        }
    }

    private static double squaredDistance(List<Float> e, GreeDiParts.Centers c, int j) {
        double d = 0;
        for (int t = 0; t < c.d(); t++) {
            double diff = e.get(t) - c.rows()[j * c.d() + t];
            d += diff * diff;
        }
        return d;
    }
}
