package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.bench.PartsBench;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.Tables;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** k-means GreeDi parts on a blob mixture (2 classes x 6 blobs, 4 dims), against random parts. */
class GreeDiPartsTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    private Dataset<Row> points() {
        return PartsBench.synthetic(spark, 3_000, 4, 2, 6, 8.0, 1)
                .select(Tables.SAMPLE_ID, Tables.LABEL, Tables.EMBEDDING);
    }

    @Test
    void kmeansPartsHoldNeighboursAndStayNearThePartitionSize() {
        Map<Integer, Long> sizes = Map.of(0, 1_500L, 1, 1_500L);
        Map<Integer, Integer> parts = Map.of(0, 5, 1, 5);
        Dataset<Row> points = points().cache();
        Dataset<Row> cache;
        try (GreeDiParts.Parts kmParts = GreeDiParts.kmeans(spark, points, sizes, parts, 300, 7);
             GreeDiParts.Parts againParts = GreeDiParts.kmeans(spark, points, sizes, parts, 300, 7)) {
            Dataset<Row> km = kmParts.rows();
            Dataset<Row> rnd = GreeDiParts.random(points, parts, 7);
            double kmSpread = withinPartSpread(km);
            double rndSpread = withinPartSpread(rnd);
            // Random parts mix every blob (spread ~ the class's), k-means parts hold one or two blobs each.
            assertTrue(kmSpread < 0.5 * rndSpread, "k-means " + kmSpread + " vs random " + rndSpread);
            for (Row r : km.groupBy(Tables.LABEL, GreeDiParts.PART).count().collectAsList()) {
                assertTrue(r.getLong(2) <= 330, "part " + r + " above the partition size (clusters are split at random)");
            }
            assertEquals(3_000, km.count());
            // The nearest-center pass ran once, into the parts' own cache, which the rows are read from.
            cache = kmParts.cache();
            assertTrue(cache != null && cache.storageLevel().useMemory());
            points.unpersist();
            assertEquals(3_000, km.count(), "the parts need only their own cache once made");
            assertEquals(0, km.except(againParts.rows()).count(), "same seed, same parts");
        }
        assertEquals(org.apache.spark.storage.StorageLevel.NONE(), cache.storageLevel(), "closing the parts releases their cache");
    }

    @Test
    void classesOfOnePartAreOnePartEachAndReadFromTheirOwnCache() {
        Dataset<Row> points = points();
        Dataset<Row> cache;
        try (GreeDiParts.Parts one = GreeDiParts.kmeans(spark, points, Map.of(0, 1_500L, 1, 1_500L), Map.of(0, 1, 1, 1),
                10_000, 7)) {
            cache = one.cache();
            assertTrue(cache != null && cache.storageLevel().useMemory(), "D2 reads these rows several times");
            List<Row> parts = one.rows().groupBy(GreeDiParts.PART).count().collectAsList();
            assertEquals(1, parts.size(), parts.toString());
            assertEquals(0, parts.get(0).getInt(0));
            assertEquals(3_000, parts.get(0).getLong(1));
        }
        assertEquals(org.apache.spark.storage.StorageLevel.NONE(), cache.storageLevel());
    }

    /** Mean squared distance of a point to its part's mean (driver-side on 3,000 points: a test-only shortcut). */
    private static double withinPartSpread(Dataset<Row> parts) {
        List<Row> rows = parts.select(col(Tables.LABEL), col(GreeDiParts.PART), col(Tables.EMBEDDING)).collectAsList();
        Map<String, double[]> sum = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (Row r : rows) {
            String key = r.getInt(0) + "/" + r.getInt(1);
            List<Float> v = r.getList(2);
            double[] s = sum.computeIfAbsent(key, k -> new double[v.size()]);
            for (int t = 0; t < v.size(); t++) s[t] += v.get(t);
            count.merge(key, 1, Integer::sum);
        }
        double total = 0;
        for (Row r : rows) {
            String key = r.getInt(0) + "/" + r.getInt(1);
            List<Float> v = r.getList(2);
            for (int t = 0; t < v.size(); t++) {
                double diff = v.get(t) - sum.get(key)[t] / count.get(key);
                total += diff * diff;
            }
        }
        return total / rows.size();
    }

    @Test
    void selectWithKmeansPartsWritesAValidManifest() {
        Path scores = tmp.resolve("scores");
        PartsBench.synthetic(spark, 3_000, 4, 3, 6, 8.0, 2).write().parquet(scores.toString());
        Path out = tmp.resolve("km");
        CliRun r = CliRun.of("select", "--scores", scores.toString(), "--method", "facility-location", "--fraction",
                "0.05", "--partition-size", "250", "--parts", "kmeans", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        ManifestReader m = ManifestReader.open(out.toString());
        assertEquals(150, m.validate().rows());
        assertEquals("kmeans", m.metadata().parameters.get("parts"));
        for (Row c : spark.read().parquet(out.toString()).groupBy(Tables.LABEL).sum(Tables.WEIGHT).collectAsList()) {
            assertEquals(1_000.0, c.getDouble(1), 1e-9, "CRAIG weights cover class " + c.getInt(0));
        }
        CliRun bad = CliRun.of("select", "--scores", scores.toString(), "--method", "facility-location", "--fraction",
                "0.05", "--parts", "grid", "--out", tmp.resolve("bad").toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.errorLine().contains("--parts grid is unknown; use random or kmeans."), bad.errorLine());
    }

    @Test
    void benchCommandsRunOnTinyInputs() {
        CliRun parts = CliRun.of("bench", "parts", "--n", "1000", "--d", "4", "--classes", "2", "--components", "4",
                "--partition-size", "300", "--fraction", "0.05");
        assertEquals(0, parts.exitCode(), parts.err());
        assertTrue(parts.out().lines().anyMatch(l -> l.startsWith("random ")), parts.out());
        assertTrue(parts.out().lines().anyMatch(l -> l.startsWith("kmeans ")), parts.out());
        CliRun blas = CliRun.of("bench", "blas", "--n", "300", "--q", "8", "--d", "16", "--reps", "1");
        assertEquals(0, blas.exitCode(), blas.err());
        List<String> rows = blas.out().lines().filter(l -> l.contains("BlockKernel") || l.contains("gemm")).toList();
        assertEquals(3, rows.size(), blas.out());
        for (String row : rows) {
            String[] cells = row.trim().split("\\s+");
            assertTrue(Double.parseDouble(cells[cells.length - 1]) < 1e-5, "every block equals the exact distances: " + row);
        }
    }
}
