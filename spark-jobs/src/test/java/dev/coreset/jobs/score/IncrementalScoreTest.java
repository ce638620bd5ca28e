package dev.coreset.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.TableInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score --previous}: 597 samples are appended to a 1,200-row input; the incremental run scores only those
 * (counted by the job as they go through the model) and its table equals a full re-score of all 1,797.
 */
class IncrementalScoreTest {
    private static final int OLD_ROWS = 1200;
    private static final int ALL_ROWS = 1797;
    private static final int CHECKPOINTS = 2; // epoch-000 and epoch-001

    @TempDir
    static Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private static Path oldSamples;
    private static Path newSamples;
    private static Path run;
    private static Path oldScores;

    @BeforeAll
    static void scoreTheFirstRows() throws Exception {
        oldSamples = tmp.resolve("samples-old");
        newSamples = tmp.resolve("samples-new");
        run = tmp.resolve("run");
        oldScores = tmp.resolve("scores-old");
        ingest(Fixtures.digitsCsvHead(tmp, "digits-head.csv.gz", OLD_ROWS), oldSamples);
        ingest(Fixtures.digitsCsv(tmp), newSamples);
        ok(CliRun.of("train", "--samples", oldSamples.toString(), "--model", "mlp", "--hidden", "16", "--epochs", "1",
                "--batch-size", "64", "--seed", "3", "--out", run.toString()));
        ok(CliRun.of("score", "--samples", oldSamples.toString(), "--checkpoints", run.toString(),
                "--embedding", "logits-grad", "--out", oldScores.toString()));
    }

    @Test
    void scoresOnlyTheAppendedIdsAndEqualsAFullRescore() throws Exception {
        Path incremental = tmp.resolve("scores-incremental");
        ScoreJob.Summary inc = score(incremental.toString(), oldScores.toString());
        assertEquals((long) (ALL_ROWS - OLD_ROWS) * CHECKPOINTS, inc.scoredRows(), "rows that went through the model");
        assertEquals((long) ALL_ROWS * CHECKPOINTS, inc.rows());

        Path full = tmp.resolve("scores-full");
        ScoreJob.Summary all = score(full.toString(), null);
        assertEquals((long) ALL_ROWS * CHECKPOINTS, all.scoredRows());
        // The tasks' time by part: each part was counted, and read + model fit inside the tasks' time.
        ScoreCounters.Times times = all.times();
        assertTrue(times.read() > 0 && times.model() > 0, times.toString());
        assertTrue(times.task() >= times.read() + times.model(), times.toString());

        // Same rows, every column: old ids reused (with the split they have in the new table), new ids scored.
        Dataset<Row> a = spark.read().parquet(incremental.toString());
        Dataset<Row> b = spark.read().parquet(full.toString());
        assertEquals(0, a.exceptAll(b).count(), "rows of the incremental table missing from the full re-score");
        assertEquals(0, b.exceptAll(a).count(), "rows of the full re-score missing from the incremental table");

        TableInfo info = Json.read(new org.apache.hadoop.fs.Path(incremental.toString(), TableInfo.FILE_NAME),
                TableInfo.class, new org.apache.hadoop.conf.Configuration());
        Map<?, ?> inputs = (Map<?, ?>) info.parameters.get("inputs");
        assertEquals(oldScores.toString(), ((Map<?, ?>) inputs.get("previous")).get("path"));
        assertEquals(ALL_ROWS, ((Number) ((Map<?, ?>) inputs.get("samples")).get("rows")).intValue());
    }

    @Test
    void anInPlaceScheduleScoresEverythingOnceThenOnlyNewIds() {
        Path scores = tmp.resolve("scores-in-place");
        String[] args = {"score", "--checkpoints", run.toString(), "--embedding", "logits-grad", "--previous",
                scores.toString(), "--out", scores.toString(), "--overwrite", "--samples"};
        CliRun first = CliRun.of(with(args, oldSamples.toString()));
        ok(first);
        assertTrue(first.out().contains("scored " + OLD_ROWS * CHECKPOINTS + " rows"), first.out());
        CliRun second = CliRun.of(with(args, newSamples.toString()));
        ok(second);
        assertTrue(second.out().contains("scored " + (ALL_ROWS - OLD_ROWS) * CHECKPOINTS + " rows"), second.out());
        assertTrue(second.out().contains("kept " + OLD_ROWS * CHECKPOINTS + " rows from " + scores), second.out());
        Dataset<Row> updated = spark.read().parquet(scores.toString());
        Path full = tmp.resolve("scores-full-2");
        score(full.toString(), null);
        Dataset<Row> b = spark.read().parquet(full.toString());
        assertEquals(0, updated.exceptAll(b).count());
        assertEquals(0, b.exceptAll(updated).count());
    }

    private static String[] with(String[] args, String last) {
        String[] a = java.util.Arrays.copyOf(args, args.length + 1);
        a[args.length] = last;
        return a;
    }

    @Test
    void aManifestRecordsTheInputsItCameFrom() throws Exception {
        Path incremental = tmp.resolve("scores-for-manifest");
        score(incremental.toString(), oldScores.toString());
        Path manifest = tmp.resolve("manifest");
        ok(CliRun.of("select", "--scores", incremental.toString(), "--method", "random", "--fraction", "0.1",
                "--out", manifest.toString()));
        ManifestMetadata meta = ManifestReader.open(manifest.toString()).metadata();
        Map<?, ?> inputs = (Map<?, ?>) meta.parameters.get("inputs");
        Map<?, ?> scores = (Map<?, ?>) inputs.get("scores");
        Map<?, ?> samples = (Map<?, ?>) inputs.get("samples");
        Map<?, ?> checkpoints = (Map<?, ?>) inputs.get("checkpoints");
        assertEquals(incremental.toString(), scores.get("path"));
        assertEquals(meta.source.fingerprint, scores.get("fingerprint"));
        assertEquals(newSamples.toString(), samples.get("path"));
        assertEquals(ALL_ROWS, ((Number) samples.get("rows")).intValue());
        assertEquals(oldScores.toString(), ((Map<?, ?>) inputs.get("previous")).get("path"));
        assertEquals(run.toString(), checkpoints.get("path"));
        assertEquals(List.of(0, 1), checkpoints.get("epochs"));
        assertNotNull(checkpoints.get("sha256"));
        assertEquals(64, ((String) checkpoints.get("sha256")).length());
    }

    @Test
    void refusesAPreviousTableScoredDifferently() throws Exception {
        CliRun otherEmbedding = CliRun.of("score", "--samples", newSamples.toString(), "--checkpoints", run.toString(),
                "--previous", oldScores.toString(), "--out", tmp.resolve("x1").toString());
        assertEquals(2, otherEmbedding.exitCode(), otherEmbedding.err());
        assertTrue(otherEmbedding.errorLine().contains("was scored with embedding=\"logits-grad\" but this run has"
                + " embedding=\"none\""), otherEmbedding.errorLine());

        Path retrained = tmp.resolve("run-retrained");
        ok(CliRun.of("train", "--samples", oldSamples.toString(), "--model", "mlp", "--hidden", "16", "--epochs", "1",
                "--batch-size", "64", "--seed", "4", "--out", retrained.toString()));
        CliRun otherWeights = CliRun.of("score", "--samples", newSamples.toString(), "--checkpoints", retrained.toString(),
                "--embedding", "logits-grad", "--previous", oldScores.toString(), "--out", tmp.resolve("x2").toString());
        assertEquals(2, otherWeights.exitCode(), otherWeights.err());
        assertTrue(otherWeights.errorLine().contains("was scored with checkpointsSha256="), otherWeights.errorLine());

        CliRun notScores = CliRun.of("score", "--samples", newSamples.toString(), "--checkpoints", run.toString(),
                "--embedding", "logits-grad", "--previous", oldSamples.toString(), "--out", tmp.resolve("x3").toString());
        assertEquals(2, notScores.exitCode(), notScores.err());
        assertTrue(notScores.errorLine().contains("a 'samples' table, not scores"), notScores.errorLine());
    }

    private ScoreJob.Summary score(String out, String previous) {
        return new ScoreJob(spark).run(new ScoreJob.Options(newSamples.toString(), run.toString(), "all",
                List.of("train", "val", "test"), "logits-grad", 0, 1, 0, 0, 512, out, false, 0, previous, null));
    }

    private static void ingest(Path csv, Path out) {
        ok(CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1",
                "--test-fraction", "0.1", "--out", out.toString()));
    }

    private static void ok(CliRun r) {
        assertEquals(0, r.exitCode(), r.err());
    }
}
