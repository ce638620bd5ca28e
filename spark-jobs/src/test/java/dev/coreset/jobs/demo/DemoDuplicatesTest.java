package dev.coreset.jobs.demo;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * demo --duplicates: the injection on the digits fixture (real ingest, real Parquet), and a short demo that injects,
 * deduplicates and compares random with and without dedup at the same size.
 */
class DemoDuplicatesTest {
    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static Path ingested;
    private static Path injected;

    @BeforeAll
    static void ingestAndInject() throws Exception {
        spark = SparkTestSession.get();
        Path csv = Fixtures.digitsCsv(tmp);
        ingested = tmp.resolve("samples-ingested");
        CliRun run = CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1",
                "--test-fraction", "0.2", "--val-fraction", "0.1", "--out", ingested.toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        injected = tmp.resolve("samples");
        DemoDuplicates.inject(spark, ingested.toString(), injected.toString(), 0.2, 1);
    }

    private static Dataset<Row> read(Path p) {
        return spark.read().parquet(p.toString());
    }

    @Test
    void copiesGetFreshIdsInTrainOnlyInTheRightNumbers() throws Exception {
        Dataset<Row> before = read(ingested);
        Dataset<Row> after = read(injected);
        long train = before.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN)).count();
        long copies = Math.round(0.2 * train);
        assertEquals(before.count() + copies, after.count());
        assertEquals(after.count(), after.select(Tables.SAMPLE_ID).distinct().count(), "ids unique");
        long maxBefore = before.agg(org.apache.spark.sql.functions.max(Tables.SAMPLE_ID)).first().getLong(0);
        Dataset<Row> added = after.except(before);
        assertEquals(copies, added.count());
        assertEquals(copies, added.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN))
                .filter(col(Tables.SAMPLE_ID).gt(maxBefore)).count(), "copies are train rows with new ids");
        // Every input row is still there unchanged; val and test are exactly the input's.
        assertEquals(0, before.except(after).count());
        for (String split : List.of(Tables.SPLIT_VAL, Tables.SPLIT_TEST)) {
            assertEquals(before.filter(col(Tables.SPLIT).equalTo(split)).count(),
                    after.filter(col(Tables.SPLIT).equalTo(split)).count(), split);
        }
        assertEquals((copies + 2) / 3, added.filter(col(Tables.SOURCE).startsWith(DemoDuplicates.EXACT)).count(),
                "every third copy exact");
        TableInfo info = Json.read(new org.apache.hadoop.fs.Path(injected.toString(), TableInfo.FILE_NAME),
                TableInfo.class, spark.sparkContext().hadoopConfiguration());
        assertEquals(before.count() + copies, info.rows);
        assertEquals(train + copies, ((Number) ((Map<?, ?>) info.summary.get("splits")).get(Tables.SPLIT_TRAIN))
                .longValue());
    }

    @Test
    void copiesAreExactOrAOnePixelShiftPlusSmallNoiseOfTheirOriginal() {
        Map<Long, Row> originals = new HashMap<>();
        for (Row r : read(ingested).filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN)).collectAsList()) {
            originals.put(r.getAs(Tables.SAMPLE_ID), r);
        }
        Set<Long> seen = new HashSet<>();
        int near = 0;
        for (Row c : read(injected).filter(col(Tables.SOURCE).startsWith("duplicate-")).collectAsList()) {
            String source = c.getAs(Tables.SOURCE);
            long id = Long.parseLong(source.substring(source.indexOf(':') + 1));
            Row o = originals.get(id);
            assertNotNull(o, "the original of " + source + " is a train row");
            assertTrue(seen.add(id), "one copy per original");
            assertEquals((int) o.getAs(Tables.LABEL), (int) c.getAs(Tables.LABEL));
            float[] x = floats(o);
            float[] y = floats(c);
            if (source.startsWith(DemoDuplicates.EXACT)) {
                assertArrayEquals(x, y);
                continue;
            }
            near++;
            float scale = 0;
            for (float v : x) {
                scale = Math.max(scale, Math.abs(v));
            }
            // The residual after undoing the best one-pixel shift is the noise alone: rms ~ NOISE_STD x scale.
            double best = Double.MAX_VALUE;
            for (float[] s : shifts(x, 8)) {
                double sq = 0;
                for (int i = 0; i < x.length; i++) {
                    sq += (y[i] - s[i]) * (y[i] - s[i]);
                }
                best = Math.min(best, Math.sqrt(sq / x.length));
            }
            assertTrue(best < 2 * DemoDuplicates.NOISE_STD * scale, source + ": rms residual " + best);
            assertTrue(best > 0.2 * DemoDuplicates.NOISE_STD * scale, source + ": noise was added");
        }
        assertTrue(near > 100, "near copies checked: " + near);
    }

    @Test
    void theSameSeedInjectsTheSameRows() {
        Path again = tmp.resolve("samples-again");
        DemoDuplicates.inject(spark, ingested.toString(), again.toString(), 0.2, 1);
        assertEquals(0, read(again).except(read(injected)).count());
        assertEquals(read(injected).count(), read(again).count());
    }

    @Test
    void shortDemoComparesRandomWithAndWithoutDedupAtTheSameSize() throws Exception {
        Path out = tmp.resolve("demo");
        CliRun run = CliRun.of("demo", "--quick", "--dataset", "csv:" + tmp.resolve("digits.csv.gz"), "--noise", "0",
                "--methods", "random,random-dedup", "--duplicates", "0.2", "--proxy-epochs", "2", "--train-epochs", "3",
                "--out", out.toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        DemoResults r = Json.MAPPER.readValue(out.resolve("results.json").toFile(), DemoResults.class);
        DemoResults.Duplicates d = r.duplicates.get(0);
        DemoResults.Dataset data = r.datasets.get(0);
        assertEquals(Math.round(0.2 * data.rows() / 1.2), d.injected(), 1);
        assertTrue(d.flagged() > 0 && d.right() <= d.flagged() && d.right() <= d.injected(), d.toString());
        assertEquals(d.right(), d.caughtExact() + d.caughtNear());
        // The same size per class with and without dedup; dedup's coreset holds no flagged sample.
        DemoResults.Coreset plain = r.coresets.stream().filter(c -> c.method().equals("random")).findFirst().orElseThrow();
        DemoResults.Coreset dedup = r.coresets.stream().filter(c -> c.method().equals("random-dedup")).findFirst()
                .orElseThrow();
        assertEquals(plain.classCounts(), dedup.classCounts());
        Dataset<Row> flagged = spark.read().parquet(out.resolve("clean/duplicates").toString()).select(Tables.SAMPLE_ID);
        Dataset<Row> picked = spark.read().parquet(new DemoLayout(out).coreset("clean", DemoMethod.RANDOM_DEDUP, 0.1, 1)
                .toString()).select(Tables.SAMPLE_ID);
        assertEquals(0, picked.join(flagged, Tables.SAMPLE_ID).count());
        assertEquals(3, r.runs.size());
        assertTrue(run.out().contains("copies injected"), run.out());

        // The same folder deduplicated on pixels: only dedup and what follows it run again; every exact copy is caught.
        CliRun pixels = CliRun.of("demo", "--quick", "--dataset", "csv:" + tmp.resolve("digits.csv.gz"), "--noise", "0",
                "--methods", "random,random-dedup", "--duplicates", "0.2", "--dedup-on", "pixels", "--proxy-epochs", "2",
                "--train-epochs", "3", "--out", out.toString(), "--no-progress");
        assertEquals(0, pixels.exitCode(), pixels.err());
        assertTrue(pixels.err().lines().anyMatch(l -> l.matches("\\[\\s*\\d+\\] clean\\s+proxy.*reused.*")), pixels.err());
        DemoResults p = Json.MAPPER.readValue(out.resolve("results.json").toFile(), DemoResults.class);
        DemoResults.Duplicates pd = p.duplicates.get(0);
        assertEquals(pd.injectedExact(), pd.caughtExact(), pd.toString());
        assertEquals(d.injected(), pd.injected());
    }

    @Test
    void dedupMethodsWithoutDuplicatesAreRefused() {
        CliRun run = CliRun.of("demo", "--quick", "--dataset", "csv:" + tmp.resolve("digits.csv.gz"), "--methods",
                "random,random-dedup", "--out", tmp.resolve("refused").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("need --duplicates"), run.errorLine());
        assertFalse(Files.exists(tmp.resolve("refused")));
    }

    private static float[] floats(Row r) {
        List<Object> l = r.getList(r.fieldIndex(Tables.FEATURES));
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }

    /** The image moved one pixel right, left, down and up (vacated edge 0). */
    private static List<float[]> shifts(float[] x, int w) {
        float[][] s = new float[4][x.length];
        for (int i = 0; i < x.length; i++) {
            int r = i / w;
            int c = i % w;
            s[0][i] = c > 0 ? x[i - 1] : 0;
            s[1][i] = c < w - 1 ? x[i + 1] : 0;
            s[2][i] = r > 0 ? x[i - w] : 0;
            s[3][i] = r < w - 1 ? x[i + w] : 0;
        }
        return List.of(s);
    }
}
