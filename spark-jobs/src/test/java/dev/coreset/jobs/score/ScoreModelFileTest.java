package dev.coreset.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.scoring.TinyMlpReference;
import dev.coreset.scoring.TinyTorchScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `coreset score --checkpoints model.pt`: a user's TorchScript file (written by the test) scored on Spark. */
class ScoreModelFileTest {
    @TempDir
    static Path tmp;
    private static Path samples;
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void ingest() throws Exception {
        samples = tmp.resolve("samples");
        CliRun ingest = CliRun.of("ingest", "--format", "csv", "--input", Fixtures.digitsCsv(tmp).toString(),
                "--label-column", "-1", "--out", samples.toString());
        assertEquals(0, ingest.exitCode(), ingest.err());
    }

    @Test
    void scoresATorchScriptFileAsCheckpointZero() throws Exception {
        TinyMlpReference ref = TinyMlpReference.sixtyFourths(7, 64, 6, 10);
        Path model = TinyTorchScript.write(tmp.resolve("tiny.pt"), ref);
        Path out = tmp.resolve("scores");
        CliRun score = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", model.toString(),
                "--embedding", "last-layer-grad", "--batch-size", "128", "--out", out.toString());
        assertEquals(0, score.exitCode(), score.err());
        Dataset<Row> scores = spark.read().parquet(out.toString());
        assertEquals(1797L, scores.count());
        assertEquals(1797L, scores.filter(col("checkpoint").equalTo(0)).count());

        List<Row> rows = scores.join(spark.read().parquet(samples.toString()).select("sample_id", "features"), "sample_id")
                .orderBy("sample_id").limit(40).collectAsList();
        for (Row r : rows) {
            List<Float> f = r.getList(r.fieldIndex("features"));
            float[] x = new float[f.size()];
            for (int j = 0; j < x.length; j++) {
                x[j] = f.get(j);
            }
            double expected = ref.loss(x, 0, r.getInt(r.fieldIndex("label")));
            // digits pixels are 0..16, so logits reach the hundreds: float32 error grows with them.
            assertEquals(expected, r.<Float>getAs("loss"), 1e-4 * (1 + Math.abs(expected)), "loss of " + r.getAs("sample_id"));
            assertEquals(60, r.getList(r.fieldIndex("embedding")).size(), "10 classes x 6 hidden units");
        }
    }

    @Test
    void modelFileMistakesFailBeforeAnyTask() throws Exception {
        Path model = TinyTorchScript.write(tmp.resolve("five.pt"), TinyMlpReference.sixtyFourths(8, 64, 6, 5));
        Path out = tmp.resolve("refused");
        CliRun classes = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", model.toString(),
                "--out", out.toString());
        assertEquals(2, classes.exitCode());
        assertTrue(classes.errorLine().contains("the model has 5 classes"), classes.errorLine());

        Path ten = TinyTorchScript.write(tmp.resolve("ten.pt"), TinyMlpReference.sixtyFourths(9, 64, 6, 10));
        CliRun epochs = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", ten.toString(),
                "--epochs", "2", "--out", out.toString());
        assertEquals(2, epochs.exitCode());
        assertTrue(epochs.errorLine().contains("is one model (checkpoint 0); pass --epochs all or 0"), epochs.errorLine());

        CliRun posterior = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", ten.toString(),
                "--embedding", "logits-grad", "--posterior-draws", "2", "--posterior-sigma", "0.1", "--out", out.toString());
        assertEquals(2, posterior.exitCode());
        assertTrue(posterior.errorLine().contains("only coreset checkpoints provide"), posterior.errorLine());

        Path text = Files.writeString(tmp.resolve("weights.txt"), "not a model");
        CliRun unknown = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", text.toString(),
                "--out", out.toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.errorLine().contains("cannot tell the model type of file " + text), unknown.errorLine());
        assertFalse(Files.exists(out), "nothing written");
    }
}
