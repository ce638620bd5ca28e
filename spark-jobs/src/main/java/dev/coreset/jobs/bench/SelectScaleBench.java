package dev.coreset.jobs.bench;

import static org.apache.spark.sql.functions.col;

import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.jobs.progress.StageTimes;
import dev.coreset.jobs.select.CenterCosts;
import dev.coreset.jobs.select.DistributedGreedy;
import dev.coreset.jobs.select.PartsMode;
import dev.coreset.jobs.select.SelectJob;
import dev.coreset.jobs.select.SelectMethod;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The scale run of {@code coreset bench select}: {@code coreset select --method facility-location} with its default
 * settings ({@link SelectJob#run}: read Parquet, checks, budgets, k-means GreeDi parts, rounds, weights, manifest) on
 * the synthetic blob-mixture scores table of {@link PartsBench} at several sizes, one after the other in one
 * session. Per size: wall time of the command, peak heap and RSS (sampled), time per Spark stage, the k-medoid cost,
 * and the cost of a 10%-style random coreset of the same budgets (stratified {@code --method random}) measured by
 * the same distributed pass. Writing the table is not timed.
 */
public final class SelectScaleBench {
    private SelectScaleBench() {
    }

    /** Figures of one size. */
    public record Result(long n, double seconds, long peakHeapBytes, long peakRssBytes, double kMedoidCost,
                         double randomCost, long selected, Map<String, Double> stageSeconds) {
    }

    public static List<Result> run(SparkSession spark, List<Long> sizes, int d, int classes, int components,
                                   double spread, double fraction, long seed, Path work) {
        List<Result> out = new ArrayList<>();
        try {
            Files.createDirectories(work);
            for (long n : sizes) {
                String scores = work.resolve("scores-" + n).toString();
                ProgressListener.stage(spark, "bench: write synthetic scores");
                PartsBench.synthetic(spark, n, d, classes, components, spread, seed).write().mode("overwrite")
                        .parquet(scores);
                System.gc();
                StageTimes stages = StageTimes.start(spark);
                MemoryPeak peak = MemoryPeak.start();
                long t0 = System.nanoTime();
                ProgressListener.stage(spark, "select: read and check");
                SelectJob.Summary s = new SelectJob(spark).run(options(scores, SelectMethod.FACILITY_LOCATION, fraction,
                        seed, work.resolve("fl-" + n).toString()));
                double seconds = (System.nanoTime() - t0) / 1e9;
                MemoryPeak.Peaks peaks = peak.stop();
                Map<String, Double> profile = stages.stop();
                double random = randomCost(spark, scores, fraction, seed);
                out.add(new Result(n, seconds, peaks.heapBytes(), peaks.rssBytes(), s.kMedoidCost(), random, s.selected(), profile));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(work);
        }
    }

    /** The options of {@code coreset select --method M --fraction F --seed S --out OUT} (every other default). */
    static SelectJob.Options options(String scores, SelectMethod method, double fraction, long seed, String out) {
        return new SelectJob.Options(scores, "last", method, fraction, null, "proportional", "lazy", 0.01, 10_000,
                seed, 268_435_456L, out, true, PartsMode.DEFAULT, null, null);
    }

    /** Summed k-medoid cost of a stratified random coreset with the same budgets, by the distributed pass. */
    static double randomCost(SparkSession spark, String scores, double fraction, long seed) {
        ProgressListener.stage(spark, "bench: random coreset cost");
        Dataset<Row> table = spark.read().parquet(scores).filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN));
        SelectJob.Selection random = new SelectJob(spark).select(table,
                options(scores, SelectMethod.RANDOM, fraction, seed, null));
        List<Row> picked = random.rows().select(Tables.SAMPLE_ID).join(table, Tables.SAMPLE_ID)
                .select(Tables.LABEL, Tables.SAMPLE_ID, Tables.EMBEDDING).orderBy(Tables.LABEL, Tables.SAMPLE_ID)
                .collectAsList();
        Map<Integer, List<Row>> byClass = new TreeMap<>();
        for (Row r : picked) {
            byClass.computeIfAbsent(r.getInt(0), x -> new ArrayList<>()).add(r);
        }
        Map<Integer, CenterCosts.Centers[]> centers = new TreeMap<>();
        byClass.forEach((label, rows) -> {
            int d = rows.get(0).getList(2).size();
            long[] ids = new long[rows.size()];
            float[] flat = new float[rows.size() * d];
            for (int i = 0; i < rows.size(); i++) {
                ids[i] = rows.get(i).getLong(1);
                DistributedGreedy.Points.copy(rows.get(i).getList(2), flat, i * d);
            }
            centers.put(label, new CenterCosts.Centers[] {CenterCosts.Centers.of(ids, new double[ids.length], flat, d)});
        });
        return CenterCosts.of(spark, table, centers).values().stream()
                .mapToDouble(a -> a.cost).sum();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a temporary folder
        }
    }
}
