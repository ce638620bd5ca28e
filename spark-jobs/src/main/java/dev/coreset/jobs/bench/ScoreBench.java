package dev.coreset.jobs.bench;

import static org.apache.spark.sql.functions.col;

import ai.djl.Device;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.jobs.progress.StageTimes;
import dev.coreset.jobs.score.ReaderBatch;
import dev.coreset.jobs.score.ScoreCounters;
import dev.coreset.jobs.score.ScoreJob;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.ModelCache;
import dev.coreset.scoring.ScoreOptions;
import dev.coreset.scoring.ScoringModel;
import dev.coreset.scoring.bench.ScoringBench;
import dev.coreset.scoring.model.Checkpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code coreset bench score}: samples per second of the real scoring job ({@link ScoreJob#run}: Parquet in,
 * mapPartitions, ModelCache, BatchScorer, Parquet out) on this session's cores against {@link ScoringBench}'s plain
 * single-thread batch loop over the same rows, in the same JVM, alternating so load changes hit both. The job runs
 * with PyTorch's intra-op threads at the task's cores (what ScoreJob does) and, for comparison, left at PyTorch's
 * default (every core in every task: what it did before). The rows are the first {@code rows} train rows of the
 * samples table by id, {@code copies} times (the loop makes as many passes), rewritten into 2 x parallelism equal
 * partitions so every core gets the same work.
 */
public final class ScoreBench {
    private ScoreBench() {
    }

    /**
     * One timed round of one model, in samples/s: the single-thread loop; the command ({@link ScoreJob#run}, wall
     * time, with its driver-side checks, model probe and read-back) and its Spark scoring job alone, both with the
     * intra-op pin and with PyTorch's default threads; and process CPU microseconds per sample of the loop and of the
     * pinned command (every thread of the JVM: a load-independent measure of the work per sample); and the rate of a
     * Spark job that only reads the same rows into float arrays, the part of the job no model can avoid; and the
     * rate of {@code cores} single-thread loops running at once with no Spark (what the machine gives concurrent
     * loops: they share caches and memory bandwidth).
     */
    public record Round(double singleRate, Run pinned, Run defaultThreads, double singleCpuMicros, double readRate,
                        double parallelLoopsRate) {
        /**
         * The highest Spark job ratio any job that reads these rows from Parquet could reach: a core's time per
         * sample is at least the loop's model time plus its share of the read, so the ratio is at most
         * model / (model + read).
         */
        public double ceiling(int cores) {
            double model = 1 / singleRate;
            double read = cores / readRate;
            return model / (model + read);
        }
    }

    /**
     * One command run: samples/s of the command and of its Spark scoring job, process CPU us per sample, and the
     * scoring tasks' microseconds per sample by part (read, model, output: {@link ScoreCounters.Times}).
     */
    public record Run(double commandRate, double sparkJobRate, double cpuMicros, double readMicros, double modelMicros,
                      double outputMicros) {
    }

    /** {@code epochs}: the checkpoints scored ("2", or "0,1,2" with every checkpoint); rates count sample-checkpoints. */
    public record Result(String model, String epochs, long rows, int cores, int batch, List<Round> rounds) {
    }

    /**
     * @param runDirs training run directories of {@code coreset train}; each is scored at its last checkpoint, or
     *                at every checkpoint with {@code allCheckpoints} (what {@code coreset score} does by default: one
     *                read of each row, one forward pass per checkpoint; the loop then makes one pass per checkpoint)
     * @param embedding {@code coreset score --embedding} (and {@code dim} its --dim), for the job and the loop alike
     * @param work    scratch folder for the bench table and the scores tables (overwritten)
     */
    public static List<Result> run(SparkSession spark, String samples, List<String> runDirs, int rows, int copies,
                                   int batch, int rounds, boolean allCheckpoints, String embedding, int dim, Path work) {
        int cores = spark.sparkContext().defaultParallelism();
        String table = work.resolve("samples").toString();
        int distinct = writeBenchTable(spark, samples, rows, copies, 2 * cores, table);
        long n = (long) distinct * copies;
        Loaded data = load(spark, table, distinct);
        int featureDim = data.features.length / distinct;
        List<Result> out = new ArrayList<>();
        for (String dir : runDirs) {
            List<Path> all = Checkpoints.list(Path.of(dir));
            List<Path> checkpoints = allCheckpoints ? all : List.of(all.get(all.size() - 1));
            String epochs = String.join(",", checkpoints.stream().map(c -> String.valueOf(Checkpoints.epochOf(c))).toList());
            ScoreJob.Options o = new ScoreJob.Options(table, dir, epochs, List.of(), embedding, dim, 1, 0.0,
                    0L, batch, work.resolve("scores").toString(), true);
            ScoreOptions options = ScoreJob.scoreOptions(o);
            List<ScoringModel> models = checkpoints.stream()
                    .map(c -> ModelCache.get(dev.coreset.scoring.ModelRef.checkpoint(c), Device.cpu())).toList();
            long scored = n * checkpoints.size(); // sample-checkpoints per timing
            jobRate(spark, o, scored, null); // warm-up: model load, JIT, file listing
            for (ScoringModel model : models) {
                ScoringBench.time(model, data.features, data.labels, options, 1); // the loop's warm-up: its JIT
            }
            List<Round> timed = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                long cpu0 = processCpuNanos();
                double seconds = 0;
                for (ScoringModel model : models) {
                    seconds += n / ScoringBench.time(model, data.features, data.labels, options, copies).samplesPerSecond();
                }
                double single = scored / seconds;
                double singleCpu = (processCpuNanos() - cpu0) / 1e3 / scored;
                // The two thread settings take turns going first, so neither always runs right after the loop.
                Run pinned;
                Run unpinned;
                if (r % 2 == 0) {
                    pinned = jobRate(spark, o, scored, null);
                    unpinned = jobRate(spark, o, scored, "0");
                } else {
                    unpinned = jobRate(spark, o, scored, "0");
                    pinned = jobRate(spark, o, scored, null);
                }
                // The read happens once per row whatever the checkpoints: its rate in sample-checkpoints.
                double read = readRate(spark, table, featureDim, n) * checkpoints.size();
                double loops = parallelLoopsRate(models, data, options, copies, cores, scored);
                timed.add(new Round(single, pinned, unpinned, singleCpu, read, loops));
            }
            out.add(new Result(Path.of(dir).getFileName() + "", epochs, scored, cores, batch, timed));
        }
        return out;
    }

    /** One ScoreJob run; {@code intraOp} = the task property (null: the job's default). */
    private static Run jobRate(SparkSession spark, ScoreJob.Options o, long n, String intraOp) {
        ProgressListener.stage(spark, "bench: score job");
        spark.sparkContext().setLocalProperty(ScoreJob.INTRA_OP_THREADS, intraOp);
        StageTimes stages = StageTimes.start(spark);
        long cpu0 = processCpuNanos();
        try {
            ScoreJob.Summary s = new ScoreJob(spark).run(o);
            double cpu = (processCpuNanos() - cpu0) / 1e3 / n;
            if (s.rows() != n) {
                throw new IllegalStateException("scored " + s.rows() + " rows, expected " + n);
            }
            double scoring = stages.stop().entrySet().stream().filter(e -> e.getKey().startsWith("score:"))
                    .mapToDouble(Map.Entry::getValue).sum();
            ScoreCounters.Times t = s.times();
            return new Run(n / s.seconds(), n / scoring, cpu, t.read() * 1e6 / n, t.model() * 1e6 / n, t.rest() * 1e6 / n);
        } finally {
            spark.sparkContext().setLocalProperty(ScoreJob.INTRA_OP_THREADS, null);
        }
    }

    /**
     * Samples/s of a Spark job that reads the columns the scoring job reads and copies each row's features out as the
     * scoring tasks do (the same copy, the same reader batch), and nothing else.
     */
    private static double readRate(SparkSession spark, String table, int featureDim, long n) {
        ProgressListener.stage(spark, "bench: read only");
        long start = System.nanoTime();
        long floats;
        try (ReaderBatch batch = ReaderBatch.narrow(spark, featureDim)) { // as the scoring job reads
            floats = spark.read().parquet(table).select(col(Tables.SAMPLE_ID), col(Tables.LABEL), col(Tables.SPLIT),
                        col(Tables.FEATURES)).queryExecution().toRdd().toJavaRDD()
                .mapPartitions((Iterator<org.apache.spark.sql.catalyst.InternalRow> it) -> {
                    long sum = 0;
                    float[] row = new float[featureDim];
                    while (it.hasNext()) {
                        org.apache.spark.sql.catalyst.util.ArrayData f = it.next().getArray(3);
                        if (f.numElements() != featureDim) {
                            throw new IllegalStateException(table + ": a row has " + f.numElements() + " features, not " + featureDim);
                        }
                        ScoreJob.copyFeatures(f, row, 0); // the scoring tasks' copy
                        sum += featureDim;
                    }
                    return List.of(sum).iterator();
                }).reduce(Long::sum);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (floats == 0) {
            throw new IllegalStateException("the read-only job read no features from " + table);
        }
        return n / seconds;
    }

    /**
     * Samples/s of {@code threads} single-thread loops ({@link ScoringBench#time}, each over every model) started
     * together, no Spark and no Parquet: {@code threads x scored} samples over the wall time of the slowest.
     */
    private static double parallelLoopsRate(List<ScoringModel> models, Loaded data, ScoreOptions options, int copies,
                                            int threads, long scored) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    for (ScoringModel model : models) {
                        ScoringBench.time(model, data.features, data.labels, options, copies);
                    }
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : runs) {
                f.get();
            }
            return threads * (double) scored / ((System.nanoTime() - t0) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a parallel loop failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * The first {@code rows} train rows by id, {@code copies} times (copy c has ids + c x 2^40), in {@code partitions}
     * equal partitions, with the samples side file; returns the distinct rows. Copies make the job long enough that
     * its fixed costs (driver checks, Spark's code generation and its JIT compilation) do not decide the rate.
     */
    private static int writeBenchTable(SparkSession spark, String samples, int rows, int copies, int partitions,
                                       String out) {
        ProgressListener.stage(spark, "bench: write bench samples");
        Dataset<Row> first = spark.read().parquet(samples).filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN))
                .orderBy(Tables.SAMPLE_ID).limit(rows).cache();
        Dataset<Row> picked = spark.range(copies).crossJoin(first)
                .withColumn(Tables.SAMPLE_ID, col(Tables.SAMPLE_ID).plus(col("id").multiply(1L << 40)))
                .select(first.columns()[0], java.util.Arrays.copyOfRange(first.columns(), 1, first.columns().length))
                .repartition(partitions).cache();
        try {
            int distinct = Math.toIntExact(first.count());
            long n = picked.count();
            Configuration conf = AtomicTableWriter.hadoopConf(spark);
            TableInfo info = Json.read(new org.apache.hadoop.fs.Path(samples, TableInfo.FILE_NAME), TableInfo.class, conf);
            info.rows = n;
            info.summary.put("splits", Map.of(Tables.SPLIT_TRAIN, n));
            new AtomicTableWriter(spark).write(picked, out, true, Map.of(TableInfo.FILE_NAME, info));
            return distinct;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            picked.unpersist();
            first.unpersist();
        }
    }

    /** The bench table's features and labels in memory, in id order, for the single-thread loop. */
    private record Loaded(float[] features, int[] labels) {
    }

    private static Loaded load(SparkSession spark, String table, int n) {
        Dataset<Row> rows = spark.read().parquet(table).filter(col(Tables.SAMPLE_ID).lt(1L << 40))
                .orderBy(Tables.SAMPLE_ID).select(Tables.LABEL, Tables.FEATURES);
        float[] features = null;
        int[] labels = new int[n];
        int i = 0;
        for (Iterator<Row> it = rows.toLocalIterator(); it.hasNext(); i++) {
            Row r = it.next();
            List<Float> f = r.getList(1);
            if (features == null) {
                features = new float[n * f.size()];
            }
            for (int j = 0; j < f.size(); j++) {
                features[i * f.size() + j] = f.get(j);
            }
            labels[i] = r.getInt(0);
        }
        return new Loaded(features, labels);
    }
}
