package dev.coreset.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.BatchScorer;
import dev.coreset.scoring.EmbeddingKind;
import dev.coreset.scoring.ModelCache;
import dev.coreset.scoring.ModelRef;
import dev.coreset.scoring.ScoreBatch;
import dev.coreset.scoring.ScoreOptions;
import dev.coreset.scoring.model.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train a tiny proxy on the digits fixture, score it on Spark, and compare with a direct DJL loop. */
class ScoreJobTest {
    @TempDir
    static Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private static Path samples;
    private static Path run;

    @BeforeAll
    static void trainProxy() throws Exception {
        samples = tmp.resolve("samples");
        run = tmp.resolve("run");
        CliRun ingest = CliRun.of("ingest", "--format", "csv", "--input", Fixtures.digitsCsv(tmp).toString(),
                "--label-column", "-1", "--out", samples.toString());
        assertEquals(0, ingest.exitCode(), ingest.err());
        CliRun train = CliRun.of("train", "--samples", samples.toString(), "--model", "mlp", "--hidden", "32",
                "--epochs", "2", "--batch-size", "64", "--seed", "3", "--out", run.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(Files.exists(run.resolve("metrics.json")));
        assertEquals(3, Checkpoints.list(run).size(), "epoch-000 plus one per epoch");
    }

    @Test
    void sparkScoresEqualADirectSingleThreadLoop() {
        Path out = tmp.resolve("scores");
        CliRun score = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", run.toString(),
                "--embedding", "logits-grad", "--batch-size", "100", "--out", out.toString());
        assertEquals(0, score.exitCode(), score.err());
        assertTrue(score.out().contains("task time") && score.out().contains("model"), score.out());
        Dataset<Row> scores = spark.read().parquet(out.toString());
        SparkSchemas.check(Tables.SCORES, scores.schema(), out.toString());
        assertEquals(1797L * 3, scores.count());

        // Direct computation for the first 50 train rows at the last checkpoint.
        Path last = Checkpoints.list(run).get(2);
        List<Row> rows = spark.read().parquet(samples.toString()).filter(col("split").equalTo("train"))
                .orderBy("sample_id").limit(50).collectAsList();
        float[][] x = new float[rows.size()][];
        int[] y = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            List<Float> f = rows.get(i).getList(rows.get(i).fieldIndex("features"));
            x[i] = new float[f.size()];
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = f.get(j);
            }
            y[i] = rows.get(i).getInt(rows.get(i).fieldIndex("label"));
        }
        ScoreBatch direct;
        try (BatchScorer scorer = new BatchScorer(ModelCache.get(ModelRef.checkpoint(last), Device.cpu()),
                ScoreOptions.defaults().withEmbedding(EmbeddingKind.LOGITS_GRAD))) {
            direct = scorer.score(x, y);
        }
        int epoch = Checkpoints.epochOf(last);
        for (int i = 0; i < rows.size(); i++) {
            long id = rows.get(i).getLong(rows.get(i).fieldIndex("sample_id"));
            Row s = scores.filter(col("sample_id").equalTo(id).and(col("checkpoint").equalTo(epoch))).first();
            assertEquals(direct.loss()[i], s.<Float>getAs("loss"), 1e-5, "loss of " + id);
            assertEquals(direct.el2n()[i], s.<Float>getAs("el2n"), 1e-5, "el2n of " + id);
            List<Float> emb = s.getList(s.fieldIndex("embedding"));
            float[] expected = direct.embeddingRow(i);
            assertEquals(expected.length, emb.size());
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[j], emb.get(j), 1e-5, "embedding of " + id);
            }
        }
    }

    @Test
    void benchScoreTimesTheJobAndTheLoopOnTheSameRows() {
        // The bench checks the job scored every row of its table (it fails otherwise) and prints one row per round and
        // thread setting.
        CliRun bench = CliRun.of("bench", "score", "--samples", samples.toString(), "--models", run.toString(),
                "--rows", "300", "--copies", "2", "--rounds", "1", "--embedding", "logits-grad");
        assertEquals(0, bench.exitCode(), bench.err());
        List<String> rows = bench.out().lines().filter(l -> l.startsWith("run epoch 2")).toList();
        assertEquals(2, rows.size(), bench.out());
        assertTrue(rows.get(0).contains(" 600 "), "300 rows x 2 copies: " + rows.get(0));
    }

    @Test
    void posteriorScoringIsDeterministicForASeed() {
        String[] args = {"score", "--samples", samples.toString(), "--checkpoints", run.toString(), "--epochs", "2",
                "--splits", "train", "--embedding", "logits-grad", "--posterior-draws", "3", "--posterior-sigma", "0.05",
                "--seed", "9", "--out"};
        for (String name : List.of("p1", "p2")) {
            String[] a = java.util.Arrays.copyOf(args, args.length + 1);
            a[args.length] = tmp.resolve(name).toString();
            CliRun r = CliRun.of(a);
            assertEquals(0, r.exitCode(), r.err());
        }
        Dataset<Row> p1 = spark.read().parquet(tmp.resolve("p1").toString());
        Dataset<Row> p2 = spark.read().parquet(tmp.resolve("p2").toString());
        assertEquals(3, p1.first().<Integer>getAs("draws"));
        assertEquals(0, p1.except(p2).count());
        assertEquals(p1.count(), p1.filter(col("split").equalTo("train")).count());
    }

    @Test
    void badInputsFailBeforeAnyTask() throws Exception {
        CliRun missing = CliRun.of("score", "--samples", samples.toString(), "--checkpoints",
                tmp.resolve("nope").toString(), "--out", tmp.resolve("s1").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.errorLine().contains("no such checkpoint directory or model file"), missing.errorLine());

        CliRun epoch = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", run.toString(),
                "--epochs", "7", "--out", tmp.resolve("s2").toString());
        assertEquals(2, epoch.exitCode());
        assertTrue(epoch.errorLine().contains("no checkpoint for epoch 7"), epoch.errorLine());

        // A samples table with another feature length than the model takes.
        Path idxSamples = tmp.resolve("idx-samples");
        Path[] idx = Fixtures.idx(tmp, "t", 20, 3, 2, true);
        assertEquals(0, CliRun.of("ingest", "--format", "idx", "--train-images", idx[0].toString(), "--train-labels",
                idx[1].toString(), "--out", idxSamples.toString()).exitCode());
        CliRun mismatch = CliRun.of("score", "--samples", idxSamples.toString(), "--checkpoints", run.toString(),
                "--out", tmp.resolve("s3").toString());
        assertEquals(2, mismatch.exitCode());
        assertTrue(mismatch.errorLine().contains("takes 64 features per sample but"), mismatch.errorLine());
        assertFalse(Files.exists(tmp.resolve("s3")));
    }
}
