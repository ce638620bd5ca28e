package dev.coreset.jobs.bench;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.dedup.DedupJob;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code coreset bench dedup}: n x d synthetic embeddings with a share of injected near copies, deduplicated by the
 * real job; wall time, peak heap, precision and recall against the injected truth, and a brute-force check on a
 * sample of points (every pair of a sampled point with any point of its class at or above the threshold, found by a
 * scan over all rows, must have one of its two items flagged: what the k-means clusters cost).
 *
 * <p>Data: base points are a mixture of {@code components} Gaussian centres (each coordinate N(0, 1)) plus N(0, 0.5^2)
 * per coordinate, so neighbours share clusters but distinct points stay below cosine ~0.95; copy i (ids n_base..n-1)
 * copies base point hash(i) mod n_base with N(0, noise^2) added per coordinate (noise 0.05: cosine ~0.998).
 */
public final class DedupBench {
    private DedupBench() {
    }

    public record Result(long rows, long injected, long flagged, long correct, double precision, double recall,
                         double seconds, long peakHeapBytes, int clusters, long largestCluster, int tasks,
                         int sampled, long brutePairs, long bruteCovered) {
    }

    public static Result run(SparkSession spark, long n, int d, int classes, double dupShare, double noise,
                             double epsilon, int partitionSize, int components, int sample, long seed) {
        Path dir;
        try {
            dir = Files.createTempDirectory("dedup-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            long nBase = n - Math.round(n * dupShare);
            String table = dir.resolve("embeddings").toString();
            Generator g = new Generator(seed, d, components, nBase, noise, classes);
            spark.udf().register("dedup_bench_vec", (UDF1<Long, float[]>) g::vector,
                    DataTypes.createArrayType(DataTypes.FloatType));
            spark.udf().register("dedup_bench_src", (UDF1<Long, Long>) g::source, DataTypes.LongType);
            spark.range(0, n).select(col("id").as(Tables.SAMPLE_ID),
                            pmod(call_udf("dedup_bench_src", col("id")), lit((long) classes)).cast("int").as(Tables.LABEL),
                            call_udf("dedup_bench_vec", col("id")).as(Tables.EMBEDDING))
                    .write().parquet(table);
            String out = dir.resolve("flags").toString();
            System.gc();
            MemoryPeak peak = MemoryPeak.start();
            long t0 = System.nanoTime();
            DedupJob.Summary s = new DedupJob(spark).run(new DedupJob.Options(null, table, null, null, epsilon, null,
                    "easy", "class", null, partitionSize, seed, out, false, null, null));
            double seconds = (System.nanoTime() - t0) / 1e9;
            long heap = peak.stop().heapBytes();

            Dataset<Row> flags = spark.read().parquet(out);
            long flagged = flags.count();
            long correct = flags.filter(call_udf("dedup_bench_src", col(Tables.SAMPLE_ID))
                    .equalTo(call_udf("dedup_bench_src", col(Tables.KEPT_ID)))).count();
            long injected = n - nBase;
            long[] brute = bruteForceCheck(spark, table, flags, sample, (float) (1 - epsilon), seed);
            return new Result(n, injected, flagged, correct, flagged == 0 ? 1 : (double) correct / flagged,
                    injected == 0 ? 1 : (double) correct / injected, seconds, heap, s.clusters(), s.largestCluster(),
                    s.tasks(), sample, brute[0], brute[1]);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Pairs (sampled point, any other point of its class) at or above the threshold, by a scan over every row; a pair
     * is covered when either item is flagged. Returns {pairs, covered}.
     */
    private static long[] bruteForceCheck(SparkSession spark, String table, Dataset<Row> flags, int sample,
                                          float threshold, long seed) {
        if (sample <= 0) {
            return new long[] {0, 0}; // --sample 0: no check (it scans every row, ~7 min at 10M on 2 cores)
        }
        Dataset<Row> all = spark.read().parquet(table);
        List<Row> picked = all.orderBy(xxhash64(lit(seed), col(Tables.SAMPLE_ID))).limit(sample).collectAsList();
        List<long[]> meta = new ArrayList<>();
        List<float[]> vecs = new ArrayList<>();
        for (Row r : picked) {
            meta.add(new long[] {r.getLong(0), r.getInt(1)});
            vecs.add(unit(r.getList(2)));
        }
        Broadcast<List<long[]>> metaB = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(meta);
        Broadcast<List<float[]>> vecB = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(vecs);
        List<long[]> pairs = all.javaRDD().flatMap(r -> {
            long id = r.getLong(0);
            int label = r.getInt(1);
            float[] v = unit(r.getList(2));
            List<long[]> out = new ArrayList<>();
            for (int s = 0; s < metaB.value().size(); s++) {
                long[] m = metaB.value().get(s);
                if (m[1] != label || m[0] == id) {
                    continue;
                }
                float[] u = vecB.value().get(s);
                double dot = 0;
                for (int t = 0; t < v.length; t++) {
                    dot += (double) u[t] * v[t];
                }
                if (dot >= threshold) {
                    out.add(new long[] {m[0], id});
                }
            }
            return out.iterator();
        }).collect();
        Set<Long> flagged = new HashSet<>();
        for (Row r : flags.select(Tables.SAMPLE_ID).collectAsList()) {
            flagged.add(r.getLong(0));
        }
        long covered = pairs.stream().filter(p -> flagged.contains(p[0]) || flagged.contains(p[1])).count();
        return new long[] {pairs.size(), covered};
    }

    private static float[] unit(List<Object> values) {
        float[] v = new float[values.size()];
        double s = 0;
        for (int t = 0; t < v.length; t++) {
            v[t] = ((Number) values.get(t)).floatValue();
            s += (double) v[t] * v[t];
        }
        double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
        for (int t = 0; t < v.length; t++) {
            v[t] = (float) (v[t] * inv);
        }
        return v;
    }

    /** Deterministic vectors from an id (no shuffle, no driver state beyond the seed). */
    static final class Generator implements java.io.Serializable {
        private final long seed;
        private final int d;
        private final int components;
        private final long nBase;
        private final double noise;

        Generator(long seed, int d, int components, long nBase, double noise, int classes) {
            this.seed = seed;
            this.d = d;
            this.components = components;
            this.nBase = nBase;
            this.noise = noise;
        }

        Long source(Long id) {
            return id < nBase ? id : Math.floorMod(new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ id).nextLong(), nBase);
        }

        float[] vector(Long id) {
            long src = source(id);
            SplittableRandom r = new SplittableRandom(seed * 31 + src);
            SplittableRandom centre = new SplittableRandom(seed * 17 - 1 - r.nextInt(components));
            float[] v = new float[d];
            for (int t = 0; t < d; t++) {
                v[t] = (float) (centre.nextGaussian() + 0.5 * r.nextGaussian());
            }
            if (id >= nBase) {
                SplittableRandom c = new SplittableRandom(seed * 131 + id);
                for (int t = 0; t < d; t++) {
                    v[t] += (float) (noise * c.nextGaussian());
                }
            }
            return v;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
