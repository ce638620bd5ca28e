package dev.coreset.jobs.ingest;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input: exit code 2, one line naming the file, column and first offending id, and no output. */
class IngestErrorsTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    private Path parquet(String sql) {
        Path in = tmp.resolve("in-" + Math.abs(sql.hashCode()) + ".parquet");
        spark.sql(sql).coalesce(1).write().parquet(in.toString());
        return in;
    }

    private CliRun ingestParquet(Path in, String... extra) {
        String[] base = {"ingest", "--format", "parquet", "--input", in.toString(), "--label-column", "y",
                "--features-column", "x", "--id-column", "id", "--out", tmp.resolve("out").toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    private void assertRefused(CliRun run, String... fragments) {
        assertEquals(2, run.exitCode(), run.err());
        String line = run.errorLine();
        assertFalse(line.contains("\n"), "one line: " + line);
        for (String f : fragments) {
            assertTrue(line.contains(f), "'" + f + "' missing from: " + line);
        }
        assertFalse(Files.exists(tmp.resolve("out")), "no output is created");
    }

    @Test
    void nullLabel() {
        Path in = parquet("SELECT id, IF(id = 7, NULL, id % 2) AS y, array(1.0F) AS x FROM range(10)");
        assertRefused(ingestParquet(in), "column 'label' is null", "sample_id 7", in.toString());
    }

    @Test
    void outOfRangeLabel() {
        Path in = parquet("SELECT id, IF(id = 3, 9, id % 2) AS y, array(1.0F) AS x FROM range(10)");
        assertRefused(ingestParquet(in, "--num-classes", "2"), "out of range", "sample_id 3", "--num-classes");
    }

    @Test
    void negativeLabel() {
        Path in = parquet("SELECT id, IF(id = 4, -1, id % 2) AS y, array(1.0F) AS x FROM range(10)");
        assertRefused(ingestParquet(in), "negative", "sample_id 4");
    }

    @Test
    void duplicateIds() {
        Path in = parquet("SELECT id % 8 AS id, id % 2 AS y, array(1.0F) AS x FROM range(10)");
        assertRefused(ingestParquet(in), "'sample_id' holds 0 more than once");
    }

    @Test
    void nanFeatures() {
        Path in = parquet("SELECT id, id % 2 AS y, array(1.0F, IF(id = 5, CAST('NaN' AS FLOAT), 0.0F)) AS x FROM range(10)");
        assertRefused(ingestParquet(in), "NaN, infinity or null", "sample_id 5");
    }

    @Test
    void infiniteFeatures() {
        Path in = parquet("SELECT id, id % 2 AS y, array(IF(id = 6, CAST('Infinity' AS FLOAT), 0.0F)) AS x FROM range(10)");
        assertRefused(ingestParquet(in), "NaN, infinity or null", "sample_id 6");
    }

    @Test
    void raggedFeatures() {
        Path in = parquet("SELECT id, id % 2 AS y, IF(id = 2, array(1.0F), array(1.0F, 2.0F)) AS x FROM range(10)");
        assertRefused(ingestParquet(in), "ragged", "sample_id 2");
    }

    @Test
    void missingColumn() {
        Path in = parquet("SELECT id, id % 2 AS y FROM range(10)");
        assertRefused(ingestParquet(in), "no column 'x'", "--features-column");
    }

    @Test
    void wrongLabelType() {
        Path in = parquet("SELECT id, CAST(id AS STRING) AS y, array(1.0F) AS x FROM range(10)");
        assertRefused(ingestParquet(in), "label column 'y' has type string");
    }

    @Test
    void notParquet() throws Exception {
        Path in = tmp.resolve("text.parquet");
        Files.writeString(in, "this is not parquet");
        assertRefused(ingestParquet(in), in.toString());
    }

    @Test
    void missingIdxFile() {
        assertRefused(CliRun.of("ingest", "--format", "idx", "--train-images", tmp.resolve("nope.gz").toString(),
                "--train-labels", tmp.resolve("nope2.gz").toString(), "--out", tmp.resolve("out").toString()),
                "nope.gz: no such file");
    }

    @Test
    void idxImagesAndLabelsDisagree() throws Exception {
        Path[] a = Fixtures.idx(tmp, "a", 10, 2, 2, true);
        Path[] b = Fixtures.idx(tmp, "b", 12, 2, 2, true);
        assertRefused(CliRun.of("ingest", "--format", "idx", "--train-images", a[0].toString(),
                "--train-labels", b[1].toString(), "--out", tmp.resolve("out").toString()),
                "holds 10 images", "holds 12 labels");
    }

    @Test
    void csvRaggedAndNonNumeric() throws Exception {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "1,2,0\n3,4,1\n5,x,0\n");
        assertRefused(CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "2",
                "--out", tmp.resolve("out").toString()), "line 3, column 1: 'x' is not a number");
        Files.writeString(csv, "1,2,0\n3,4,1,7\n");
        assertRefused(CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "2",
                "--out", tmp.resolve("out").toString()), "line 2 has 4 columns");
    }

    @Test
    void badFractionsAndUnknownFormat() {
        Path in = parquet("SELECT id, id % 2 AS y, array(1.0F) AS x FROM range(10)");
        assertRefused(ingestParquet(in, "--val-fraction", "1.5"), "--val-fraction 1.5");
        assertRefused(ingestParquet(in, "--label-noise", "-0.1"), "--label-noise -0.1");
        assertRefused(CliRun.of("ingest", "--format", "xml", "--out", tmp.resolve("out").toString()), "--format xml");
    }

    @Test
    void existingOutputIsKeptWithoutOverwrite() throws Exception {
        Path in = parquet("SELECT id, id % 2 AS y, array(1.0F) AS x FROM range(10)");
        assertEquals(0, ingestParquet(in).exitCode());
        Path out = tmp.resolve("out");
        long before = Files.walk(out).count();
        CliRun again = ingestParquet(in);
        assertEquals(2, again.exitCode());
        assertTrue(again.errorLine().contains("already exists"), again.errorLine());
        assertEquals(before, Files.walk(out).count());
        assertEquals(0, ingestParquet(in, "--overwrite").exitCode());
    }
}
