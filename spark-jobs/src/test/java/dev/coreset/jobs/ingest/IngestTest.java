package dev.coreset.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.score.ElsewhereFileSystem;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    private Dataset<Row> read(Path p) {
        Dataset<Row> df = spark.read().parquet(p.toString());
        SparkSchemas.check(Tables.SAMPLES, df.schema(), p.toString());
        return df;
    }

    @Test
    void idxIngestKeepsTestSplitScalesPixelsAndStratifiesVal() throws Exception {
        Path[] train = Fixtures.idx(tmp, "train", 60, 3, 3, true);
        Path[] test = Fixtures.idx(tmp, "t10k", 9, 3, 3, false);
        Path out = tmp.resolve("samples");
        CliRun run = CliRun.of("ingest", "--format", "idx", "--train-images", train[0].toString(),
                "--train-labels", train[1].toString(), "--test-images", test[0].toString(),
                "--test-labels", test[1].toString(), "--val-fraction", "0.25", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("ingested 69 samples, 3 classes, 9 features"), run.out());
        Dataset<Row> df = read(out);
        assertEquals(69, df.count());
        assertEquals(9, df.filter(col("split").equalTo("test")).count());
        // 20 train rows per class, round(0.25 * 20) = 5 of each go to val.
        for (Row r : df.filter(col("split").equalTo("val")).groupBy("label").count().collectAsList()) {
            assertEquals(5, r.getLong(1), "val rows of class " + r.getInt(0));
        }
        Row row7 = df.filter(col("sample_id").equalTo(7L)).first();
        assertEquals(1, row7.getInt(row7.fieldIndex("label")));
        List<Float> pixels = row7.getList(row7.fieldIndex("features"));
        assertEquals(7 / 255f, pixels.get(0), 1e-7);
        long testId = RawStager.sampleId(1, 4);
        assertEquals("test", df.filter(col("sample_id").equalTo(testId)).first().getAs("split"));
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        assertTrue(Files.exists(out.resolve("_coreset_table.json")));
    }

    /** IDX files are read through Hadoop's file systems, as on a cluster where they sit on HDFS or S3. */
    @Test
    void idxIngestReadsThroughHadoopFileSystems() throws Exception {
        Path[] train = Fixtures.idx(tmp, "train", 30, 3, 3, true);
        ElsewhereFileSystem.register(spark.sparkContext().hadoopConfiguration());
        String scheme = ElsewhereFileSystem.SCHEME + "://";
        Path local = tmp.resolve("local");
        Path remote = tmp.resolve("remote");
        assertEquals(0, CliRun.of("ingest", "--format", "idx", "--train-images", train[0].toString(),
                "--train-labels", train[1].toString(), "--out", local.toString()).exitCode());
        CliRun run = CliRun.of("ingest", "--format", "idx", "--train-images", scheme + train[0],
                "--train-labels", scheme + train[1], "--out", remote.toString());
        assertEquals(0, run.exitCode(), run.err());
        Dataset<Row> a = read(local).select("sample_id", "label", "split", "features");
        Dataset<Row> b = read(remote).select("sample_id", "label", "split", "features");
        assertEquals(30, b.count());
        assertEquals(0, a.except(b).count());
        CliRun missing = CliRun.of("ingest", "--format", "idx", "--train-images", scheme + tmp.resolve("nope.gz"),
                "--train-labels", scheme + train[1], "--out", tmp.resolve("none").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.errorLine().contains("nope.gz: no such file"), missing.errorLine());
        assertFalse(Files.exists(tmp.resolve("none")));
    }

    @Test
    void idsAndSplitsAreStableAcrossRuns() throws Exception {
        Path csv = Fixtures.digitsCsv(tmp);
        for (String name : List.of("a", "b")) {
            assertEquals(0, CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1",
                    "--seed", "3", "--out", tmp.resolve(name).toString()).exitCode());
        }
        Dataset<Row> a = read(tmp.resolve("a")).select("sample_id", "label", "split");
        Dataset<Row> b = read(tmp.resolve("b")).select("sample_id", "label", "split");
        assertEquals(1797, a.count());
        assertEquals(0, a.except(b).count());
        assertEquals(0, b.except(a).count());
        // A different seed moves different rows to val.
        assertEquals(0, CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1",
                "--seed", "4", "--out", tmp.resolve("c").toString()).exitCode());
        assertTrue(read(tmp.resolve("c")).select("sample_id", "label", "split").except(a).count() > 0);
    }

    @Test
    void csvDigitsHasExactPerClassValidation() throws Exception {
        Path csv = Fixtures.digitsCsv(tmp);
        Path out = tmp.resolve("digits");
        CliRun run = CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "64",
                "--val-fraction", "0.2", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Dataset<Row> df = read(out);
        Map<Integer, Long> all = counts(df);
        Map<Integer, Long> val = counts(df.filter(col("split").equalTo("val")));
        assertEquals(10, all.size());
        all.forEach((label, n) -> assertEquals(Math.round(0.2 * n), val.get(label), "class " + label));
        assertEquals(64, df.first().getList(df.first().fieldIndex("features")).size());
    }

    @Test
    void limitReadsOnlyTheFirstRowsOfTheInput() throws Exception {
        Path csv = Fixtures.digitsCsv(Files.createDirectories(tmp.resolve("limit")));
        Path out = tmp.resolve("digits-limit");
        CliRun run = CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1",
                "--limit", "500", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Dataset<Row> df = read(out);
        assertEquals(500, df.count());
        assertEquals(499L, df.agg(org.apache.spark.sql.functions.max("sample_id")).first().getLong(0),
                "ids are the first 500 row positions");
    }

    @Test
    void testFractionHoldsOutAnExactShareOfEachClassBeforeValidation() throws Exception {
        Path csv = Fixtures.digitsCsv(Files.createDirectories(tmp.resolve("test-fraction")));
        Path out = tmp.resolve("digits-test-split");
        CliRun run = CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1",
                "--test-fraction", "0.25", "--val-fraction", "0.1", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Dataset<Row> df = read(out);
        Map<Integer, Long> all = counts(df);
        Map<Integer, Long> test = counts(df.filter(col("split").equalTo("test")));
        Map<Integer, Long> val = counts(df.filter(col("split").equalTo("val")));
        all.forEach((label, n) -> {
            long t = Math.round(0.25 * n);
            assertEquals(t, test.get(label), "test rows of class " + label);
            assertEquals(Math.round(0.1 * (n - t)), val.get(label), "val rows of class " + label);
        });
        CliRun both = CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1",
                "--test-fraction", "1.5", "--out", tmp.resolve("bad-test-fraction").toString());
        assertEquals(2, both.exitCode());
        assertTrue(both.errorLine().contains("--test-fraction 1.5"), both.errorLine());
    }

    @Test
    void labelNoiseFlipsTheRequestedShareOfTrainLabelsDeterministically() throws Exception {
        Path csv = Fixtures.digitsCsv(tmp);
        for (String name : List.of("n1", "n2")) {
            CliRun run = CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1",
                    "--label-noise", "0.3", "--out", tmp.resolve(name).toString());
            assertEquals(0, run.exitCode(), run.err());
        }
        Dataset<Row> df = read(tmp.resolve("n1"));
        Dataset<Row> train = df.filter(col("split").equalTo("train"));
        long n = train.count();
        long flipped = train.filter(col("label").notEqual(col("clean_label"))).count();
        double rate = (double) flipped / n;
        // Binomial(n ~ 1617, 0.3): 4 standard deviations is about 0.045.
        assertEquals(0.3, rate, 0.045, "noise rate");
        assertEquals(0, df.filter(col("split").notEqual("train").and(col("label").notEqual(col("clean_label")))).count(),
                "val and test stay clean");
        Dataset<Row> other = read(tmp.resolve("n2"));
        assertEquals(0, df.select("sample_id", "label").except(other.select("sample_id", "label")).count());
    }

    @Test
    void parquetIngestWithAndWithoutIdColumn() throws Exception {
        Path in = tmp.resolve("in.parquet");
        spark.sql("SELECT id * 10 AS myid, CAST(id % 4 AS BIGINT) AS y, array(CAST(id AS DOUBLE), 1.5D) AS x "
                + "FROM range(40)").coalesce(1).write().parquet(in.toString());
        CliRun run = CliRun.of("ingest", "--format", "parquet", "--input", in.toString(), "--label-column", "y",
                "--features-column", "x", "--id-column", "myid", "--out", tmp.resolve("p1").toString());
        assertEquals(0, run.exitCode(), run.err());
        Dataset<Row> df = read(tmp.resolve("p1"));
        assertEquals(40, df.count());
        Row r = df.filter(col("sample_id").equalTo(130L)).first();
        assertEquals(1, r.getInt(r.fieldIndex("label")));
        assertEquals(13f, (Float) r.getList(r.fieldIndex("features")).get(0));

        run = CliRun.of("ingest", "--format", "parquet", "--input", in.toString(), "--label-column", "y",
                "--features-column", "x", "--out", tmp.resolve("p2").toString());
        assertEquals(0, run.exitCode(), run.err());
        Dataset<Row> positional = read(tmp.resolve("p2"));
        // Single file: ids are the row positions 0..39.
        assertEquals(0L, positional.agg(org.apache.spark.sql.functions.min("sample_id")).first().getLong(0));
        assertEquals(39L, positional.agg(org.apache.spark.sql.functions.max("sample_id")).first().getLong(0));
    }

    private static Map<Integer, Long> counts(Dataset<Row> df) {
        Map<Integer, Long> m = new TreeMap<>();
        for (Row r : df.groupBy("label").count().collectAsList()) {
            m.put(r.getInt(0), r.getLong(1));
        }
        return m;
    }
}
