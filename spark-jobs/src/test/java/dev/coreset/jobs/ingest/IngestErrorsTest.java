package dev.coreset.jobs.ingest;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Damage;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input to ingest ({@link Refusals}): exit code 2, one line naming the file, column and first
 * offending id and the fix, no output created, and an existing samples table at --out untouched.
 */
class IngestErrorsTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private int cases;

    private Path parquet(String sql) {
        Path in = tmp.resolve("in-" + Math.abs(sql.hashCode()) + ".parquet");
        spark.sql(sql).coalesce(1).write().parquet(in.toString());
        return in;
    }

    private static List<String> parquetArgs(Path in, String... extra) {
        List<String> args = new ArrayList<>(List.of("ingest", "--format", "parquet", "--input", in.toString(),
                "--label-column", "y", "--features-column", "x", "--id-column", "id"));
        args.addAll(List.of(extra));
        return args;
    }

    private CliRun ingestParquet(Path in, String... extra) {
        List<String> args = parquetArgs(in, extra);
        args.addAll(List.of("--out", tmp.resolve("out").toString()));
        return CliRun.of(args.toArray(String[]::new));
    }

    private void assertRefused(List<String> args, String... fragments) {
        Path out = tmp.resolve("out-" + cases++);
        List<String> withOut = new ArrayList<>(args);
        withOut.addAll(List.of("--out", out.toString()));
        Refusals.assertRefused(out, PipelineFixture.get().samples, withOut, fragments);
    }

    private void assertRefusedParquet(Path in, List<String> extra, String... fragments) {
        assertRefused(parquetArgs(in, extra.toArray(String[]::new)), fragments);
    }

    private static final List<String> NONE = List.of();

    @Test
    void nullLabel() {
        Path in = parquet("SELECT id, IF(id = 7, NULL, id % 2) AS y, array(1.0F) AS x FROM range(10)");
        assertRefusedParquet(in, NONE, "column 'label' is null", "sample_id 7", in.toString(), "fix or drop those rows");
    }

    @Test
    void outOfRangeLabel() {
        Path in = parquet("SELECT id, IF(id = 3, 9, id % 2) AS y, array(1.0F) AS x FROM range(10)");
        assertRefusedParquet(in, List.of("--num-classes", "2"), "out of range", "sample_id 3", "--num-classes");
    }

    @Test
    void negativeLabel() {
        Path in = parquet("SELECT id, IF(id = 4, -1, id % 2) AS y, array(1.0F) AS x FROM range(10)");
        assertRefusedParquet(in, NONE, "negative", "sample_id 4", "remap them");
    }

    @Test
    void classWithNoSamples() {
        Path in = parquet("SELECT id, (id % 2) * 2 AS y, array(1.0F) AS x FROM range(10)");
        assertRefusedParquet(in, NONE, in.toString(), "class 1 has no samples", "remap the labels to 0..C-1");
        assertRefusedParquet(parquet("SELECT id, id % 2 AS y, array(1.0F) AS x FROM range(10)"),
                List.of("--num-classes", "3"), "class 2 has no samples", "lower --num-classes");
    }

    @Test
    void duplicateIds() {
        Path in = parquet("SELECT id % 8 AS id, id % 2 AS y, array(1.0F) AS x FROM range(10)");
        assertRefusedParquet(in, NONE, "'sample_id' holds 0 more than once", "deduplicate");
    }

    @Test
    void nanFeatures() {
        Path in = parquet("SELECT id, id % 2 AS y, array(1.0F, IF(id = 5, CAST('NaN' AS FLOAT), 0.0F)) AS x FROM range(10)");
        assertRefusedParquet(in, NONE, "NaN, infinity or null", "sample_id 5", "replace or drop");
    }

    @Test
    void infiniteFeatures() {
        Path in = parquet("SELECT id, id % 2 AS y, array(IF(id = 6, CAST('Infinity' AS FLOAT), 0.0F)) AS x FROM range(10)");
        assertRefusedParquet(in, NONE, "NaN, infinity or null", "sample_id 6");
    }

    @Test
    void raggedFeatures() {
        Path in = parquet("SELECT id, id % 2 AS y, IF(id = 2, array(1.0F), array(1.0F, 2.0F)) AS x FROM range(10)");
        assertRefusedParquet(in, NONE, "ragged", "sample_id 2", "same length");
    }

    @Test
    void missingColumn() {
        Path in = parquet("SELECT id, id % 2 AS y FROM range(10)");
        assertRefusedParquet(in, NONE, "no column 'x'", "fix --features-column");
    }

    @Test
    void wrongLabelType() {
        Path in = parquet("SELECT id, CAST(id AS STRING) AS y, array(1.0F) AS x FROM range(10)");
        assertRefusedParquet(in, NONE, "label column 'y' has type string", "integer class indices");
    }

    @Test
    void notParquet() throws Exception {
        Path in = tmp.resolve("text.parquet");
        Files.writeString(in, "this is not parquet");
        assertRefusedParquet(in, NONE, in.toString(), "check --input");
    }

    @Test
    void truncatedParquet() throws Exception {
        Path in = parquet("SELECT id, id % 2 AS y, array(CAST(id AS FLOAT), 1.0F) AS x FROM range(2000)");
        Path part = Damage.truncate(in, 2.0 / 3);
        assertRefusedParquet(in, NONE, part.getFileName().toString(), "truncated or corrupt", "re-create it");
    }

    @Test
    void missingInput() {
        Path nope = tmp.resolve("nope.parquet");
        assertRefusedParquet(nope, NONE, nope.toString(), "no such file or directory", "check --input");
        Path csv = tmp.resolve("nope.csv");
        assertRefused(List.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1"),
                csv.toString(), "no such file", "check --input");
    }

    @Test
    void emptyInput() throws Exception {
        Path in = parquet("SELECT id, id % 2 AS y, array(1.0F) AS x FROM range(0)");
        assertRefusedParquet(in, NONE, in.toString(), "no rows", "non-empty");
        Path csv = tmp.resolve("empty.csv");
        Files.writeString(csv, "");
        assertRefused(List.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1"),
                csv.toString(), "no rows", "non-empty");
    }

    @Test
    void missingIdxFile() {
        assertRefused(List.of("ingest", "--format", "idx", "--train-images", tmp.resolve("nope.gz").toString(),
                "--train-labels", tmp.resolve("nope2.gz").toString()), "nope.gz: no such file");
    }

    @Test
    void idxImagesAndLabelsDisagree() throws Exception {
        Path[] a = Fixtures.idx(tmp, "a", 10, 2, 2, true);
        Path[] b = Fixtures.idx(tmp, "b", 12, 2, 2, true);
        assertRefused(List.of("ingest", "--format", "idx", "--train-images", a[0].toString(),
                "--train-labels", b[1].toString()), "holds 10 images", "holds 12 labels");
    }

    @Test
    void csvRaggedAndNonNumeric() throws Exception {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "1,2,0\n3,4,1\n5,x,0\n");
        assertRefused(List.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "2"),
                "line 3, column 1: 'x' is not a number");
        Path ragged = tmp.resolve("ragged.csv");
        Files.writeString(ragged, "1,2,0\n3,4,1,7\n");
        assertRefused(List.of("ingest", "--format", "csv", "--input", ragged.toString(), "--label-column", "2"),
                "line 2 has 4 columns");
    }

    @Test
    void outOfRangeOrNegativeFractions() {
        Path in = parquet("SELECT id, id % 2 AS y, array(1.0F) AS x FROM range(10)");
        assertRefusedParquet(in, List.of("--val-fraction", "1.5"), "--val-fraction 1.5", "pass e.g. 0.1");
        assertRefusedParquet(in, List.of("--val-fraction", "-0.1"), "--val-fraction -0.1 is outside [0, 1)");
        assertRefusedParquet(in, List.of("--test-fraction", "-0.2"), "--test-fraction -0.2 is outside [0, 1)");
        assertRefusedParquet(in, List.of("--label-noise", "-0.1"), "--label-noise -0.1", "pass e.g. 0.3");
        assertRefused(List.of("ingest", "--format", "xml"), "--format xml", "use idx, csv, parquet or images");
    }

    @Test
    void existingOutputIsKeptWithoutOverwrite() throws Exception {
        Path in = parquet("SELECT id, id % 2 AS y, array(1.0F) AS x FROM range(10)");
        assertEquals(0, ingestParquet(in).exitCode());
        Path out = tmp.resolve("out");
        long before = Files.walk(out).count();
        CliRun again = ingestParquet(in, "--seed", "1");
        assertEquals(2, again.exitCode());
        assertTrue(again.errorLine().contains("already exists"), again.errorLine());
        assertEquals(before, Files.walk(out).count());
        assertEquals(0, ingestParquet(in, "--seed", "1", "--overwrite").exitCode());
    }
}
