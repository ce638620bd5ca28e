package dev.coreset.jobs.select;

import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.SqlColumnsTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad --embeddings input to {@code coreset select} (see {@link Refusals}): exit 2, one line naming the table,
 * the column and the fix, no manifest created and an existing one untouched.
 */
class SelectEmbeddingsErrorsTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private final PipelineFixture fixture = PipelineFixture.get();
    private int cases;

    /** A 20-row embeddings table (2 classes, 2-d vectors) under the names id / y / vec, some columns replaced. */
    private Path table(String... overrides) {
        Map<String, String> cols = new LinkedHashMap<>();
        cols.put("id", "id");
        cols.put("y", "CAST(id % 2 AS INT)");
        cols.put("vec", "array(CAST(id AS FLOAT), CAST(id % 3 AS FLOAT))");
        return SqlColumnsTable.write(spark, tmp.resolve("emb-" + cases++), 20, cols, overrides);
    }

    private void refused(Path table, List<String> options, String... fragments) {
        Path out = tmp.resolve("out-" + cases++);
        List<String> args = new ArrayList<>(List.of("select", "--embeddings", table.toString(), "--id-column", "id",
                "--label-column", "y", "--embedding-column", "vec", "--out", out.toString(), "--no-progress"));
        args.addAll(options);
        Refusals.assertRefused(out, fixture.manifest, args, fragments);
    }

    private static List<String> facility() {
        return List.of("--method", "facility-location", "--per-class", "2");
    }

    @Test
    void missingTableOrColumns() {
        Path nope = tmp.resolve("nope");
        refused(nope, facility(), nope.toString(), "no such embeddings table", "--embeddings");
        Path noVec = table("vec", null);
        refused(noVec, facility(), noVec.toString(), "no column 'vec' (--embedding-column; columns: id, y)",
                "name the embedding column with --embedding-column");
        Path noLabel = table("y", null);
        refused(noLabel, facility(), noLabel.toString(), "no column 'y' (--label-column", "--label-column");
    }

    @Test
    void columnsOfTheWrongType() {
        Path text = table("vec", "CAST(id AS STRING)");
        refused(text, facility(), text.toString(), "column 'vec' (--embedding-column) is string",
                "array<float>, array<double> or an ML Vector");
        Path doubleLabels = table("y", "CAST(id % 2 AS DOUBLE)");
        refused(doubleLabels, facility(), doubleLabels.toString(), "column 'y' (--label-column) is double",
                "integer class index 0..C-1", "map the classes");
        Path stringIds = table("id", "CONCAT('img-', id)");
        refused(stringIds, facility(), stringIds.toString(), "column 'id' (--id-column) is string", "integer id");
    }

    @Test
    void badRows() {
        Path dup = table("id", "id % 19");
        refused(dup, facility(), dup.toString(), "id 0 appears in two rows", "ids must be unique");
        Path nullId = table("id", "IF(id = 3, NULL, id)");
        refused(nullId, facility(), nullId.toString(), "column 'id' is null", "every row needs an id");
        Path nullLabel = table("y", "IF(id = 7, NULL, CAST(id % 2 AS INT))");
        refused(nullLabel, facility(), nullLabel.toString(), "column 'y' is null or not a class index 0..C-1 at id 7");
        Path negative = table("y", "IF(id = 4, -1, CAST(id % 2 AS INT))");
        refused(negative, List.of("--method", "random", "--per-class", "2"), "column 'y' is null or not a class index");
        Path ragged = table("vec", "IF(id = 2, array(1.0F), array(1.0F, 2.0F))");
        refused(ragged, facility(), ragged.toString(), "column 'vec' is ragged or empty (lengths 1..2)",
                "same length");
        Path empty = table("vec", "CAST(array() AS ARRAY<FLOAT>)");
        refused(empty, facility(), "column 'vec' is ragged or empty (lengths 0..0)");
        Path nan = table("vec", "array(CAST(id AS FLOAT), IF(id = 9, CAST('NaN' AS FLOAT), 0.0F))");
        refused(nan, facility(), "column 'vec' is null or holds NaN or infinity at id 9", "finite vectors");
        Path nullVec = table("vec", "IF(id = 5, NULL, array(1.0F, 2.0F))");
        refused(nullVec, List.of("--method", "kcenter", "--per-class", "2"), "column 'vec' is null or holds NaN");
        Path noRows = tmp.resolve("no-rows");
        spark.read().parquet(table().toString()).limit(0).write().parquet(noRows.toString());
        refused(noRows, facility(), noRows.toString(), "no rows");
    }

    @Test
    void methodsThatNeedScoresAreRefused() {
        Path p = table();
        refused(p, List.of("--method", "loss", "--per-class", "2"), p.toString(),
                "--method loss ranks by a model's per-sample scores", "--scores", "facility-location, kcenter or random");
        refused(p, List.of("--method", "d2", "--per-class", "2"), "--method d2 needs a difficulty score",
                "--scores");
        refused(p, List.of("--method", "ccs", "--per-class", "2"), "--method ccs needs a difficulty score");
        refused(p, List.of("--method", "random", "--fraction", "0.5", "--budget-mode", "difficulty"),
                "--budget-mode difficulty weighs classes by their loss", "proportional or uniform");
        refused(p, List.of("--method", "kcenter", "--per-class", "2", "--checkpoint", "1"),
                "--checkpoint 1 applies to --scores tables", "drop --checkpoint");
    }

    @Test
    void scoresAndEmbeddingsTogetherOrColumnOptionsWithScores() {
        Path p = table();
        refused(p, List.of("--scores", fixture.scores.toString(), "--method", "random", "--per-class", "2"),
                "pass exactly one of --scores", "--embeddings");
        Path out = tmp.resolve("out-scores");
        Refusals.assertRefused(out, fixture.manifest, List.of("select", "--scores", fixture.scores.toString(),
                        "--label-column", "y", "--method", "random", "--per-class", "2", "--out", out.toString()),
                "--label-column", "name the columns of an --embeddings table");
    }
}
