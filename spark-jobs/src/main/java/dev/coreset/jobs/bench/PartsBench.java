package dev.coreset.jobs.bench;

import dev.coreset.jobs.select.PartsMode;
import dev.coreset.jobs.select.SelectJob;
import dev.coreset.jobs.select.SelectMethod;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * GreeDi with random parts against k-means parts: the facility-location selection of {@code coreset select}
 * ({@link SelectJob#select}) on a synthetic scores table of n train rows, label = id % classes, each class a
 * mixture of {@code components} Gaussian blobs (unit noise around centers drawn with std {@code spread}).
 * The table is generated and cached before the clock starts; each mode's time is the whole selection.
 */
public final class PartsBench {
    private PartsBench() {
    }

    /** One mode: wall time, summed k-medoid cost, rows selected, the largest used heap sampled. */
    public record Result(PartsMode parts, double seconds, double kMedoidCost, long selected, long peakHeapBytes) {
    }

    public static List<Result> run(SparkSession spark, long n, int d, int classes, int components, double spread,
                                   double fraction, int partitionSize, String optimizer, long seed,
                                   List<PartsMode> modes) {
        Dataset<Row> scores = synthetic(spark, n, d, classes, components, spread, seed).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            scores.count();
            List<Result> out = new ArrayList<>();
            for (PartsMode mode : modes) {
                SelectJob.Options o = new SelectJob.Options("bench parts", "last", SelectMethod.FACILITY_LOCATION,
                        fraction, null, "proportional", optimizer, 0.01, partitionSize, seed, 268_435_456L, null, false,
                        mode, null, null);
                System.gc();
                MemoryPeak heap = MemoryPeak.start();
                long t0 = System.nanoTime();
                SelectJob.Selection s = new SelectJob(spark).select(scores, o);
                double seconds = (System.nanoTime() - t0) / 1e9;
                out.add(new Result(mode, seconds, s.kMedoidCost(), s.rows().count(), heap.stop().heapBytes()));
            }
            return out;
        } finally {
            scores.unpersist();
        }
    }

    /** Scores-table rows (train, checkpoint 0, constant scores) with a blob-mixture embedding per class. */
    public static Dataset<Row> synthetic(SparkSession spark, long n, int d, int classes, int components, double spread,
                                         long seed) {
        Random r = new Random(seed);
        float[] centers = new float[classes * components * d];
        for (int i = 0; i < centers.length; i++) {
            centers[i] = (float) (spread * r.nextGaussian());
        }
        Broadcast<float[]> centersB = spark.sparkContext().broadcast(centers, scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        int slices = (int) Math.max(2, Math.min(64, n / 50_000));
        var rows = spark.range(0, n, 1, slices).javaRDD().mapPartitions((Iterator<Long> ids) -> {
            float[] c = centersB.value();
            List<Row> out = new ArrayList<>();
            while (ids.hasNext()) {
                long id = ids.next();
                int label = (int) (id % classes);
                Random g = new Random(seed * 0x9E3779B97F4A7C15L + id);
                int base = (label * components + g.nextInt(components)) * d;
                float[] v = new float[d];
                for (int t = 0; t < d; t++) {
                    v[t] = c[base + t] + (float) g.nextGaussian();
                }
                out.add(RowFactory.create(id, label, Tables.SPLIT_TRAIN, 0, 0f, true, 0f, 0f, v, 1));
            }
            return out.iterator();
        });
        return spark.createDataFrame(rows, SparkSchemas.structType(Tables.SCORES, List.of(Tables.EMBEDDING)));
    }
}
