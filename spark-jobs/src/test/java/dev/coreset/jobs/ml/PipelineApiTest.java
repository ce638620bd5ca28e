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
                "--seed", "5", "--out", manifest.toString()));
        // The README's example: the same stages as Spark ML params.
        fitted = ReadmeExample.run(SparkTestSession.get(), samples.toString(), run.toString(),
                tmp.resolve("ml-manifest").toString(), tmp.resolve("pipeline").toString());
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
        assertEquals(manifestRows().count(), ManifestReader.open(out.toString()).validate().rows());
        assertSameRows(manifestRows(), spark.read().parquet(out.toString()));
        ManifestMetadata cliMeta = ManifestReader.open(manifest.toString()).metadata();
        ManifestMetadata mlMeta = ManifestReader.open(out.toString()).metadata();
        assertEquals(cliMeta.source.fingerprint, mlMeta.source.fingerprint, "same candidates");
        assertEquals(cliMeta.budget.perClass, mlMeta.budget.perClass);
        assertEquals(cliMeta.parameters.remove("scores").toString(), scores.toString());
        assertEquals(model(fitted).uid() + " input", mlMeta.parameters.remove("scores"));
        // Lineage (input paths and fingerprints) exists only when the input is a table on disk, as for the CLI.
        assertNotNull(cliMeta.parameters.remove(dev.coreset.jobs.io.Lineage.INPUTS), "the CLI records its inputs");
        assertEquals(cliMeta.parameters, mlMeta.parameters);
        CoresetInputException exists = assertThrows(CoresetInputException.class,
                () -> model(fitted).writeManifest(out.toString(), false));
        assertTrue(exists.getMessage().contains("output already exists"), exists.getMessage());
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

        // The whole fitted pipeline, as the README example saved it: LossScorer's params and the model come back.
        PipelineModel p = PipelineModel.load(tmp.resolve("pipeline").toString());
        LossScorer scorer = (LossScorer) p.stages()[0];
        assertEquals(run.toString(), scorer.getOrDefault(scorer.checkpoints()));
        assertEquals("logits-grad", scorer.getOrDefault(scorer.embedding()));
        assertSameRows(before, model(p).transform(table));
    }

    @Test
    void rowsTheModelCannotTakeFailTheirTaskWithTheReason() {
        Dataset<Row> shortRows = spark.read().parquet(samples.toString()).limit(20)
                .withColumn("features", org.apache.spark.sql.functions.slice(col("features"), 1, 10));
        Exception e = assertThrows(Exception.class,
                () -> new LossScorer().setCheckpoints(run.toString()).transform(shortRows).count());
        String chain = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain += t.getMessage() + "\n";
        }
        assertTrue(chain.contains("a row's features have 10 values but the model takes 64"), chain);
    }

    @Test
    void selectorOnAScoresTableEqualsTheCli() {
        // Several GreeDi parts per class (the merge round), and a score-based method at an earlier checkpoint.
        Path fl = tmp.resolve("fl-parts");
        ok(CliRun.of("select", "--scores", scores.toString(), "--method", "facility-location", "--fraction", "0.1",
                "--partition-size", "60", "--seed", "2", "--out", fl.toString()));
        Dataset<Row> table = spark.read().parquet(scores.toString());
        assertSameRows(spark.read().parquet(fl.toString()), new CoresetSelector().setFraction(0.1).setPartitionSize(60)
                .setSeed(2).fit(table).selection());
        Path margin = tmp.resolve("margin");
        ok(CliRun.of("select", "--scores", scores.toString(), "--method", "margin", "--per-class", "7",
                "--budget-mode", "uniform", "--checkpoint", "1", "--out", margin.toString()));
        CoresetModel m = new CoresetSelector().setMethod("margin").setPerClass(7).setBudgetMode("uniform")
                .setCheckpoint("1").fit(table);
        assertSameRows(spark.read().parquet(margin.toString()), m.selection());
        assertEquals(70, m.selection().count());
    }

    @Test
    void readmeShowsTheCompiledExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("```java", readme.indexOf("<!-- pipeline-example -->"));
        List<String> shown = readme.substring(start + 7, readme.indexOf("```", start + 7)).lines()
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
        String source = Files.readString(Path.of("src/test/java/dev/coreset/jobs/ml/ReadmeExample.java"));
        int at = 0;
        for (String line : shown) {
            int i = source.indexOf(line, at);
            assertTrue(i >= 0, "README line not in ReadmeExample.java (in order): " + line);
            at = i + line.length();
        }
        assertTrue(shown.size() >= 8, "the example is in the README");
    }
}
