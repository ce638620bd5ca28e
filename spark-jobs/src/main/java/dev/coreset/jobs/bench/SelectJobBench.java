package dev.coreset.jobs.bench;

import dev.coreset.jobs.select.SelectJob;
import dev.coreset.jobs.select.SelectMethod;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Facility location through the real {@link SelectJob} (GreeDi on Spark, CRAIG weights, manifest) on a
 * synthetic scores table of n train samples with d-dimensional Gaussian-mixture embeddings (per class a few
 * components), written to Parquet first. The table is generated per sample from a hash of (seed, id), so it
 * does not depend on the partitioning. Only the selection is timed and measured.
 */
public final class SelectJobBench {
    private SelectJobBench() {
    }

    public record Options(long n, int d, int classes, int components, double fraction, int partitionSize,
                          String optimizer, long seed, long memoBytes, Path work, boolean keep) {
    }

    public record Result(long n, double generateSeconds, double selectSeconds, MemoryPeak.Peaks peaks,
                         long selected, double kMedoidCost, long maxHeapBytes) {
    }

    public static Result run(SparkSession spark, Options o) {
        Path work = o.work();
        try {
            if (work == null) {
                work = Files.createTempDirectory("select-job-bench");
            }
            Path scores = work.resolve(String.format("scores-n%d-d%d-c%d-s%d", o.n(), o.d(), o.classes(), o.seed()));
            double generate = 0;
            Path done = scores.resolve("_GENERATED");
            if (!Files.exists(done)) {
                long t0 = System.nanoTime();
                int partitions = (int) Math.max(2, o.n() / 125_000);
                synthetic(spark, o.n(), o.d(), o.classes(), o.components(), o.seed(), partitions).write()
                        .mode("overwrite").parquet(scores.toString());
                Files.createFile(done); // a complete table: the next run with --keep reuses it
                generate = (System.nanoTime() - t0) / 1e9;
            }
            System.gc();
            MemoryPeak peak = MemoryPeak.start();
            long t0 = System.nanoTime();
            SelectJob.Summary s = new SelectJob(spark).run(new SelectJob.Options(scores.toString(), "last",
                    SelectMethod.FACILITY_LOCATION, o.fraction(), null, "proportional", o.optimizer(), 0.01,
                    o.partitionSize(), o.seed(), o.memoBytes(), work.resolve("manifest").toString(), true, null, null,
                    null));
            double select = (System.nanoTime() - t0) / 1e9;
            return new Result(o.n(), generate, select, peak.stop(), s.selected(), s.kMedoidCost(),
                    Runtime.getRuntime().maxMemory());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!o.keep() && work != null) {
                deleteTree(work);
            }
        }
    }

    /**
     * Train rows at one checkpoint: label = id % classes, embedding = one of the class's components (centres
     * uniform in [-5, 5]^d) plus N(0, 1) noise; loss, margin, el2n uniform.
     */
    public static Dataset<Row> synthetic(SparkSession spark, long n, int d, int classes, int components, long seed,
                                         int partitions) {
        StructType schema = SparkSchemas.structType(Tables.SCORES, List.of(Tables.EMBEDDING));
        float[][] centres = new float[classes * components][d];
        SplittableRandom r = new SplittableRandom(seed);
        for (float[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = (float) (r.nextDouble() * 10 - 5);
            }
        }
        MapPartitionsFunction<Long, Row> rows = ids -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return ids.hasNext();
            }

            @Override
            public Row next() {
                long id = ids.next();
                SplittableRandom g = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
                int label = (int) (id % classes);
                float[] centre = centres[label * components + g.nextInt(components)];
                float[] e = new float[d];
                for (int j = 0; j < d; j++) {
                    e[j] = centre[j] + (float) gaussian(g);
                }
                float loss = (float) g.nextDouble() * 3;
                return RowFactory.create(id, label, Tables.SPLIT_TRAIN, 0, loss, loss < 0.7f, 0.5f - loss / 3,
                        loss / 3, e, 1);
            }
        };
        return spark.range(0, n, 1, partitions).mapPartitions(rows, Encoders.row(schema));
    }

    private static double gaussian(SplittableRandom g) {
        double u = 1 - g.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * g.nextDouble());
    }

    /** Best effort: a benchmark's work folder. */
    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
