package dev.coreset.jobs.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ManifestReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML stages against the CLI on the digits fixture: a Pipeline of LossScorer + CoresetSelector selects
 * the same ids with the same weights as `coreset score` then `coreset select`, for the same seed.
 */
class PipelineApiTest {
    @TempDir
    static Path tmp;
    static Path samples;
    static Path run;
    static Path scores;
    static Path manifest;
    static PipelineModel fitted;

    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void cliRunsAndPipelineFit() throws Exception {
        samples = tmp.resolve("samples");
        run = tmp.resolve("run");
        scores = tmp.resolve("scores");
        manifest = tmp.resolve("manifest");
        ok(CliRun.of("ingest", "--format", "csv", "--input", Fixtures.digitsCsv(tmp).toString(), "--label-column", "-1",
                "--out", samples.toString()));
        ok(CliRun.of("train", "--samples", samples.toString(), "--model", "mlp", "--hidden", "16", "--epochs", "2",
                "--batch-size", "64", "--seed", "3", "--out", run.toString()));
        ok(CliRun.of("score", "--samples", samples.toString(), "--checkpoints", run.toString(),
                "--embedding", "logits-grad", "--out", scores.toString()));
        ok(CliRun.of("select", "--scores", scores.toString(), "--method", "facility-location", "--fraction", "0.1",
                "--partition-size", "100", "--seed", "5", "--out", manifest.toString()));

        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new LossScorer().setCheckpoints(run.toString()).setEmbedding("logits-grad"),
                new CoresetSelector().setMethod("facility-location").setFraction(0.1).setPartitionSize(100).setSeed(5)});
        fitted = pipeline.fit(SparkTestSession.get().read().parquet(samples.toString()));
    }

    private static void ok(CliRun r) {
        assertEquals(0, r.exitCode(), r.err());
    }

    private Dataset<Row> manifestRows() {
        return spark.read().parquet(manifest.toString()).select("sample_id", "label", "weight", "score", "rank");
    }

    private static CoresetModel model(PipelineModel p) {
        return (CoresetModel) p.stages()[1];
    }

    private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        assertEquals(expected.count(), actual.count());
        assertEquals(0, expected.except(actual).count(), "rows missing");
        assertEquals(0, actual.except(expected).count(), "rows extra");
    }

    @Test
    void pipelineSelectsTheCliIdsWithTheCliWeights() {
        CoresetModel m = model(fitted);
        Dataset<Row> cli = manifestRows();
        assertTrue(cli.count() > 100, "about 10% of ~1,600 train rows");
        assertSameRows(cli, m.selection().select("sample_id", "label", "weight", "score", "rank"));
        assertEquals(2, m.checkpoint(), "last checkpoint, as `select --checkpoint last`");

        // The fitted pipeline on the samples: only selected train rows, at one checkpoint, with the CLI's weights.
        Dataset<Row> out = fitted.transform(spark.read().parquet(samples.toString()));
        assertTrue(List.of(out.columns()).containsAll(List.of("features", "loss", "embedding", "weight", "score", "rank")));
        assertEquals(1, out.select("checkpoint").distinct().count());
        assertEquals(0, out.filter(col("split").notEqual("train")).count());
        assertSameRows(cli.select("sample_id", "weight"), out.select("sample_id", "weight"));
    }

    @Test
    void writtenManifestMatchesTheCli() {
        Path out = tmp.resolve("ml-manifest");
        model(fitted).writeManifest(out.toString(), false);
        assertEquals(manifestRows().count(), ManifestReader.open(out.toString()).validate().rows());
        assertSameRows(manifestRows(), spark.read().parquet(out.toString()));
        ManifestMetadata cliMeta = ManifestReader.open(manifest.toString()).metadata();
        ManifestMetadata mlMeta = ManifestReader.open(out.toString()).metadata();
        assertEquals(cliMeta.source.fingerprint, mlMeta.source.fingerprint, "same candidates");
        assertEquals(cliMeta.budget.perClass, mlMeta.budget.perClass);
        cliMeta.parameters.remove("scores");
        mlMeta.parameters.remove("scores");
        assertEquals(cliMeta.parameters, mlMeta.parameters);
        CoresetInputException exists = assertThrows(CoresetInputException.class,
                () -> model(fitted).writeManifest(out.toString(), false));
        assertTrue(exists.getMessage().contains("exists"), exists.getMessage());
    }

    @Test
    void savedAndReloadedModelTransformsIdentically() throws Exception {
        CoresetModel m = model(fitted);
        Path dir = tmp.resolve("model");
        m.write().save(dir.toString());
        CoresetModel back = CoresetModel.load(dir.toString());
        assertEquals(m.uid(), back.uid());
        assertEquals(m.checkpoint(), back.checkpoint());
        assertEquals(m.budgets(), back.budgets());
        assertEquals(m.kMedoidCost(), back.kMedoidCost(), 0.0);
        Dataset<Row> table = spark.read().parquet(scores.toString());
        Dataset<Row> before = m.transform(table);
        assertEquals(manifestRows().count(), before.count(), "one row per selected sample at the selected checkpoint");
        assertSameRows(before, back.transform(table));

        // The whole fitted pipeline too: LossScorer's params and the model come back.
        Path pdir = tmp.resolve("pipeline");
        fitted.write().save(pdir.toString());
        PipelineModel p = PipelineModel.load(pdir.toString());
        assertEquals(run.toString(), ((LossScorer) p.stages()[0]).getOrDefault(((LossScorer) p.stages()[0]).checkpoints()));
        assertSameRows(before, model(p).transform(table));
    }

    @Test
    void selectorOnAScoresTableEqualsTheCliForScoreMethods() {
        Path out = tmp.resolve("margin");
        ok(CliRun.of("select", "--scores", scores.toString(), "--method", "margin", "--per-class", "7",
                "--budget-mode", "uniform", "--checkpoint", "1", "--out", out.toString()));
        CoresetModel m = new CoresetSelector().setMethod("margin").setPerClass(7).setBudgetMode("uniform")
                .setCheckpoint("1").fit(spark.read().parquet(scores.toString()));
        assertSameRows(spark.read().parquet(out.toString()), m.selection());
        assertEquals(70, m.selection().count());
    }
}
