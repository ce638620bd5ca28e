package dev.coreset.jobs.select;

import dev.coreset.jobs.Damage;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.SqlColumnsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input to {@code coreset select} (see {@link Refusals}): exit 2, one line with the problem and the
 * fix, no manifest created, and an existing manifest at --out untouched when --overwrite is given.
 */
class SelectErrorsTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private final PipelineFixture fixture = PipelineFixture.get();
    private int cases;

    /** A 20-row scores table (2 classes, one checkpoint, 2-d embeddings) with some columns replaced. */
    private Path scores(String... overrides) {
        Map<String, String> cols = new LinkedHashMap<>();
        cols.put("sample_id", "id");
        cols.put("label", "CAST(id % 2 AS INT)");
        cols.put("split", "'train'");
        cols.put("checkpoint", "0");
        cols.put("loss", "CAST(id / 10.0 AS FLOAT)");
        cols.put("correct", "true");
        cols.put("margin", "CAST(0.5 AS FLOAT)");
        cols.put("el2n", "CAST(id / 20.0 AS FLOAT)");
        cols.put("embedding", "array(CAST(id AS FLOAT), CAST(id % 3 AS FLOAT))");
        cols.put("draws", "1");
        return SqlColumnsTable.write(spark, tmp.resolve("scores-" + cases++), 20, cols, overrides);
    }

    private void refused(Path scores, List<String> options, String... fragments) {
        Path out = tmp.resolve("out-" + cases++);
        List<String> args = new ArrayList<>(List.of("select", "--scores", scores.toString(), "--out", out.toString(),
                "--no-progress"));
        args.addAll(options);
        Refusals.assertRefused(out, fixture.manifest, args, fragments);
    }

    private static List<String> loss() {
        return List.of("--method", "loss", "--per-class", "2");
    }

    private static List<String> facility() {
        return List.of("--method", "facility-location", "--per-class", "2");
    }

    @Test
    void missingScoresTable() {
        Path nope = tmp.resolve("nope");
        refused(nope, loss(), nope.toString(), "no such scores table", "coreset score");
    }

    @Test
    void emptyScoresTable() {
        Path empty = tmp.resolve("empty");
        spark.sql("SELECT * FROM parquet.`" + scores() + "` WHERE false").write().parquet(empty.toString());
        refused(empty, loss(), empty.toString(), "no train rows", "score the train split");
    }

    @Test
    void notParquet() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("text"));
        Files.writeString(dir.resolve("part-00000.parquet"), "sample_id,label\n1,0\n");
        refused(dir, loss(), dir.toString(), "Parquet", "coreset score");
    }

    @Test
    void truncatedParquetFile() {
        Path p = scores();
        Path part = Damage.truncate(p, 0.5);
        refused(p, loss(), part.getFileName().toString(), "truncated or corrupt", "re-create");
    }

    @Test
    void missingColumn() {
        Path p = scores("loss", null);
        refused(p, loss(), p.toString(), "missing column 'loss'");
    }

    @Test
    void wrongColumnType() {
        Path p = scores("loss", "id / 10.0D");
        refused(p, loss(), p.toString(), "column 'loss' has type double", "float");
    }

    @Test
    void nullLabel() {
        Path p = scores("label", "IF(id = 7, NULL, CAST(id % 2 AS INT))");
        refused(p, loss(), p.toString(), "'label' is null or negative at sample_id 7", "0..C-1");
    }

    @Test
    void negativeLabel() {
        Path p = scores("label", "IF(id = 4, -1, CAST(id % 2 AS INT))");
        refused(p, loss(), p.toString(), "'label' is null or negative at sample_id 4", "0..C-1");
    }

    @Test
    void duplicateIds() {
        Path p = scores("sample_id", "id % 19");
        refused(p, loss(), p.toString(), "sample_id 0 appears twice", "re-score");
    }

    @Test
    void nanOrInfiniteLoss() {
        Path nan = scores("loss", "IF(id = 5, CAST('NaN' AS FLOAT), CAST(id AS FLOAT))");
        refused(nan, loss(), "'loss' is NaN, infinite or null at sample_id 5", "re-score");
        Path inf = scores("loss", "IF(id = 6, CAST('-Infinity' AS FLOAT), CAST(id AS FLOAT))");
        refused(inf, List.of("--method", "random", "--fraction", "0.5"), "'loss' is NaN, infinite or null at sample_id 6");
    }

    @Test
    void nanScoreOfTheMethod() {
        Path p = scores("margin", "IF(id = 3, CAST('NaN' AS FLOAT), CAST(0.5 AS FLOAT))");
        refused(p, List.of("--method", "margin", "--per-class", "2"), "'margin' is NaN, infinite or null at sample_id 3");
    }

    @Test
    void nanOrInfiniteEmbedding() {
        Path p = scores("embedding", "array(CAST(id AS FLOAT), IF(id = 9, CAST('Infinity' AS FLOAT), 0.0F))");
        refused(p, facility(), p.toString(), "'embedding' holds NaN or infinity at sample_id 9", "re-score");
    }

    @Test
    void raggedEmbedding() {
        Path p = scores("embedding", "IF(id = 2, array(1.0F), array(1.0F, 2.0F))");
        refused(p, facility(), p.toString(), "'embedding' is ragged", "--embedding");
    }

    @Test
    void noEmbeddingForFacilityLocation() {
        Path p = scores("embedding", null);
        refused(p, facility(), p.toString(), "no 'embedding' column", "--embedding logits-grad");
    }

    @Test
    void classWithNoSamples() {
        Path p = scores("label", "CAST(id % 2 AS INT) * 2");
        refused(p, loss(), p.toString(), "class 1 has no train samples", "0..C-1");
    }

    @Test
    void budgetLargerThanAClass() {
        Path p = scores("label", "CAST(IF(id < 3, 1, 0) AS INT)");
        refused(p, List.of("--method", "kcenter", "--per-class", "5"), "--per-class 5 is larger than class 1 (3 samples)",
                "lower it or use --fraction");
    }

    @Test
    void zeroOrNegativeFractions() {
        Path p = scores();
        refused(p, List.of("--method", "random", "--fraction", "0"), "--fraction 0.0 is outside (0, 1]");
        refused(p, List.of("--method", "random", "--fraction", "-0.2"), "--fraction -0.2 is outside (0, 1]");
        refused(p, List.of("--method", "random", "--per-class", "0"), "--per-class 0 must be positive");
        refused(p, List.of("--method", "random", "--per-class", "-3"), "--per-class -3 must be positive");
    }
}
