package dev.coreset.jobs.bench;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.bench.CldBench;
import dev.coreset.jobs.cld.CldJob;
import dev.coreset.jobs.bench.PartsBench;
import dev.coreset.jobs.select.PartsMode;
import dev.coreset.jobs.select.PruningOptions;
import dev.coreset.jobs.select.SelectJob;
import dev.coreset.jobs.select.SelectMethod;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.budget.BudgetMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code coreset bench pruning}: the dynamics-based methods against the jobs they are judged by, on one scores table in
 * one session: cld (the same per-sample trajectory pass) for ccs and dual, facility location (GreeDi on the same
 * embedding) for d2. Either a real scores table (e.g. Fashion-MNIST's, scored with logits-grad) or a synthetic one: n
 * train samples (plus n/10 val) x T checkpoints of {@link CldBench}'s loss trajectories, with {@link PartsBench}'s
 * blob-mixture embedding (d dimensions) at the last checkpoint. Each round times every method once, in turn order
 * rotated by round; the median per method is reported with the peak heap. Writing the synthetic table is not timed.
 */
public final class PruningBench {
    /** Methods in the order of the first round. */
    public static final List<String> METHODS = List.of("cld", "ccs", "dual", "facility-location", "d2");

    /** Median seconds per method, each round's seconds, and the largest heap peak seen while it ran. */
    public record Result(String method, double medianSeconds, List<Double> seconds, long peakHeapBytes, long selected) {
    }

    private PruningBench() {
    }

    /** Times every method on {@code scores} for {@code rounds} rounds. */
    public static List<Result> run(SparkSession spark, String scores, int rounds, double fraction, String window,
                                   long seed, Path work) {
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, Long> heap = new LinkedHashMap<>();
        Map<String, Long> selected = new LinkedHashMap<>();
        METHODS.forEach(m -> seconds.put(m, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < METHODS.size(); i++) {
                String m = METHODS.get((i + r) % METHODS.size());
                String out = work.resolve(m + "-" + r).toString();
                System.gc();
                MemoryPeak peak = MemoryPeak.start();
                long t0 = System.nanoTime();
                long picked = runOne(spark, m, scores, fraction, window, seed, out);
                seconds.get(m).add((System.nanoTime() - t0) / 1e9);
                heap.merge(m, peak.stop().heapBytes(), Math::max);
                selected.put(m, picked);
            }
        }
        List<Result> out = new ArrayList<>();
        for (String m : METHODS) {
            List<Double> s = seconds.get(m);
            double[] sorted = s.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            out.add(new Result(m, median, s, heap.get(m), selected.get(m)));
        }
        return out;
    }

    private static long runOne(SparkSession spark, String method, String scores, double fraction, String window,
                               long seed, String out) {
        if (method.equals("cld")) {
            return new CldJob(spark).run(new CldJob.Options(scores, "all", fraction, null, BudgetMode.PROPORTIONAL,
                    null, seed, out, true, null, 3, window, CldJob.DEFAULT_DUAL_WINDOW)).selected();
        }
        PruningOptions p = PruningOptions.defaults();
        p = new PruningOptions(p.score(), p.hardCut(), p.strata(), window, p.dualWindow(), p.dualExponent(),
                p.neighbours(), p.gammaForward(), p.gammaReverse());
        return new SelectJob(spark).run(new SelectJob.Options(scores, "last", SelectMethod.parse(method), fraction, null,
                "proportional", "lazy", 0.01, 10_000, seed, 268_435_456L, out, true, PartsMode.DEFAULT, null, null, p))
                .selected();
    }

    /**
     * A synthetic scores table of n train samples (label = id mod classes) and n / 10 val samples at T checkpoints,
     * with a d-dimensional blob-mixture embedding on the train rows of the last checkpoint (null elsewhere).
     */
    public static void writeSynthetic(SparkSession spark, long n, int checkpoints, int d, int classes, long seed,
                                      String path) {
        Dataset<Row> trajectories = CldBench.synthetic(spark, n, Math.max(classes * 20L, n / 10), checkpoints, classes,
                seed);
        Dataset<Row> embedding = PartsBench.synthetic(spark, n, d, classes, 10, 4.0, seed)
                .select(col(Tables.SAMPLE_ID), col(Tables.EMBEDDING).as("_e"));
        org.apache.spark.sql.Column last = col(Tables.CHECKPOINT).equalTo(checkpoints - 1)
                .and(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN));
        String[] columns = Arrays.stream(trajectories.columns()).toArray(String[]::new);
        Dataset<Row> earlier = trajectories.filter(org.apache.spark.sql.functions.not(last))
                .withColumn(Tables.EMBEDDING, lit(null).cast("array<float>"));
        Dataset<Row> withEmbedding = trajectories.filter(last).join(embedding, Tables.SAMPLE_ID)
                .withColumn(Tables.EMBEDDING, col("_e")).drop("_e");
        List<String> all = new ArrayList<>(List.of(columns));
        all.add(Tables.EMBEDDING);
        earlier.selectExpr(all.toArray(String[]::new)).unionByName(withEmbedding.selectExpr(all.toArray(String[]::new)))
                .write().parquet(path);
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("pruning-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
