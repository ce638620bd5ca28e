package dev.coreset.jobs.ml;

import static org.apache.spark.sql.functions.col;
import static dev.coreset.jobs.ml.StageErrorsTest.fails;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.SparkTestSession;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CoresetSelector on a plain DataFrame of id, label and an ML Vector embedding (no loss, split or checkpoint
 * column): the rows `coreset select --embeddings` selects from the same table, and the refusals of the methods
 * that need a model's scores.
 */
class SelectorOnEmbeddingsTest {
    @TempDir
    static Path tmp;
    static Path table;

    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void writeTable() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> scores = spark.read().parquet(PipelineFixture.get().scores.toString());
        table = tmp.resolve("dino");
        scores.filter(col("split").equalTo("train").and(col("checkpoint").equalTo(0)))
                .select(col("sample_id").as("key"), col("label").as("cls"),
                        org.apache.spark.ml.functions.array_to_vector(col("embedding")).as("dino"))
                .write().parquet(table.toString());
    }

    private Dataset<Row> plain() {
        return spark.read().parquet(table.toString());
    }

    private static CoresetSelector selector() {
        return new CoresetSelector().setIdCol("key").setLabelCol("cls").setEmbeddingCol("dino").setSplitCol("")
                .setCheckpointCol("");
    }

    @Test
    void selectsWhatTheCliSelectsFromTheSameTable() {
        for (String method : new String[] {"facility-location", "kcenter", "random"}) {
            Path out = tmp.resolve("cli-" + method);
            CliRun run = CliRun.of("select", "--embeddings", table.toString(), "--id-column", "key", "--label-column",
                    "cls", "--embedding-column", "dino", "--method", method, "--fraction", "0.1", "--seed", "4",
                    "--out", out.toString(), "--no-progress");
            assertEquals(0, run.exitCode(), run.err());
            CoresetModel m = selector().setMethod(method).setFraction(0.1).setSeed(4).fit(plain());
            Dataset<Row> cli = spark.read().parquet(out.toString()).select("sample_id", "label", "weight", "score", "rank");
            Dataset<Row> ml = m.selection().select("sample_id", "label", "weight", "score", "rank");
            assertTrue(cli.count() > 0);
            assertEquals(cli.count(), ml.count(), method);
            assertEquals(0, cli.except(ml).count(), method + ": rows missing");
            assertEquals(0, ml.except(cli).count(), method + ": rows extra");
            Dataset<Row> kept = m.setIdCol("key").setCheckpointCol("").transform(plain());
            assertEquals(cli.count(), kept.count(), method + ": transform keeps the selected rows");
        }
    }

    @Test
    void methodsThatNeedScoresAndBadRowsAreRefused() {
        fails("has no column 'loss' (loss); score the rows with LossScorer or read a scores table; only"
                + " facility-location, kcenter and random", () -> selector().setMethod("margin").setFraction(0.1).fit(plain()));
        fails("has no column 'loss'", () -> selector().setBudgetMode("difficulty").setFraction(0.1).fit(plain()));
        Dataset<Row> twice = plain().union(plain().limit(1));
        fails("input: key ", () -> selector().setMethod("kcenter").setFraction(0.1).fit(twice));
        fails("appears in two rows; ids must be unique", () -> selector().setFraction(0.1).fit(twice));
    }
}
