package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.io.Fingerprints;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ManifestReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coreset select --embeddings on the digits fixture: the train rows of its scores table at the last checkpoint,
 * written as a plain table under other column names (img_id, y, clip), select the same manifest rows as the scores
 * table itself, whether the vectors are array&lt;float&gt;, array&lt;double&gt; or an ML Vector.
 */
class SelectEmbeddingsTest {
    @TempDir
    static Path tmp;
    static Path table;
    static Path doubles;
    static Path vectors;

    private final SparkSession spark = SparkTestSession.get();
    private static final PipelineFixture FIXTURE = PipelineFixture.get();

    @BeforeAll
    static void writeEmbeddingsTables() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> scores = spark.read().parquet(FIXTURE.scores.toString()).filter(col("split").equalTo("train"));
        int last = scores.agg(org.apache.spark.sql.functions.max("checkpoint")).first().getInt(0);
        // Reordered columns, other names, extra columns and another partitioning than the scores table's.
        Dataset<Row> rows = scores.filter(col("checkpoint").equalTo(last))
                .select(col("embedding").as("clip"), col("label").as("y"), col("sample_id").as("img_id"),
                        col("loss").as("unused"));
        table = tmp.resolve("clip");
        rows.repartition(3).write().parquet(table.toString());
        doubles = tmp.resolve("clip-double");
        rows.withColumn("clip", col("clip").cast("array<double>")).coalesce(1).write().parquet(doubles.toString());
        vectors = tmp.resolve("clip-vector");
        rows.withColumn("clip", org.apache.spark.ml.functions.array_to_vector(col("clip")))
                .write().parquet(vectors.toString());
    }

    private static CliRun select(String out, List<String> input, String... options) {
        List<String> args = new ArrayList<>(List.of("select", "--out", tmp.resolve(out).toString(), "--no-progress"));
        args.addAll(input);
        args.addAll(List.of(options));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), String.join(" ", args) + "\n" + run.err());
        return run;
    }

    private static List<String> embeddings(Path t) {
        return List.of("--embeddings", t.toString(), "--id-column", "img_id", "--label-column", "y",
                "--embedding-column", "clip");
    }

    private static List<String> scores() {
        return List.of("--scores", FIXTURE.scores.toString(), "--checkpoint", "last");
    }

    private Dataset<Row> rows(String out) {
        return spark.read().parquet(tmp.resolve(out).toString()).select("sample_id", "label", "weight", "score", "rank");
    }

    private void assertSameRows(String expected, String actual) {
        assertTrue(rows(expected).count() > 0);
        assertEquals(rows(expected).count(), rows(actual).count(), actual);
        assertEquals(0, rows(expected).except(rows(actual)).count(), actual + ": rows missing");
        assertEquals(0, rows(actual).except(rows(expected)).count(), actual + ": rows extra");
    }

    private static ManifestMetadata meta(String out) throws Exception {
        return Json.MAPPER.readValue(tmp.resolve(out).resolve(ManifestMetadata.FILE_NAME).toFile(), ManifestMetadata.class);
    }

    @Test
    void facilityLocationAndKCenterSelectWhatTheScoresTableSelects() {
        String[] fl = {"--method", "facility-location", "--fraction", "0.1", "--seed", "5"};
        select("fl-scores", scores(), fl);
        select("fl-emb", embeddings(table), fl);
        assertSameRows("fl-scores", "fl-emb");
        select("fl-vector", embeddings(vectors), fl);
        assertSameRows("fl-scores", "fl-vector");

        String[] kc = {"--method", "kcenter", "--per-class", "8", "--budget-mode", "uniform", "--parts", "random",
                "--partition-size", "100", "--seed", "2"};
        select("kc-scores", scores(), kc);
        select("kc-emb", embeddings(table), kc);
        assertSameRows("kc-scores", "kc-emb");
        select("kc-double", embeddings(doubles), kc);
        assertSameRows("kc-scores", "kc-double");
        assertEquals(80, ManifestReader.open(tmp.resolve("kc-emb").toString()).validate().rows());
    }

    @Test
    void randomWithExcludeKeepsBudgetsSeedsAndNamesTheTableInItsLineage() throws Exception {
        Path flags = tmp.resolve("flags");
        spark.read().parquet(table.toString()).filter(col("img_id").mod(7).equalTo(0))
                .select(col("img_id").as("sample_id")).write().parquet(flags.toString());
        String[] random = {"--method", "random", "--fraction", "0.2", "--budget-mode", "uniform", "--exclude",
                flags.toString(), "--seed", "9"};
        select("rnd-scores", scores(), random);
        CliRun run = select("rnd-emb", embeddings(table), random);
        assertSameRows("rnd-scores", "rnd-emb");
        assertTrue(run.out().contains("rows of " + table), run.out());
        assertEquals(0, rows("rnd-emb").filter(col("sample_id").mod(7).equalTo(0)).count(), "flagged ids excluded");

        ManifestMetadata m = meta("rnd-emb");
        ManifestMetadata fromScores = meta("rnd-scores");
        assertEquals("random", m.method);
        assertEquals(9, m.seed);
        assertEquals(table.toString(), m.source.path);
        assertEquals(fromScores.source.fingerprint, m.source.fingerprint, "the same (id, label) rows");
        assertEquals(fromScores.budget.perClass, m.budget.perClass);
        assertEquals(Map.of("embeddings", Map.of("path", table.toString(), "rows", m.source.rows,
                "fingerprint", Fingerprints.of(EmbeddingsTable.candidates(spark.read().parquet(table.toString()),
                        table.toString(), new EmbeddingsTable.Columns("img_id", "y", "clip"))).hashHex())),
                normalized(m.parameters.get("inputs")));
        assertEquals("clip", m.parameters.get("embeddingColumn"));
        assertEquals("img_id", m.parameters.get("idColumn"));
        assertEquals("y", m.parameters.get("labelColumn"));
        assertFalse(m.parameters.containsKey("scores"), m.parameters.toString());
        assertEquals(m.parameters.get("excluded"), fromScores.parameters.get("excluded"));

        // The same command again: resume sees the same table and options and skips.
        CliRun again = select("rnd-emb", embeddings(table), random);
        assertTrue(again.out().contains("skipped"), again.out());
    }

    /** JSON numbers come back as Integer or Long by size; compare them as longs. */
    private static Object normalized(Object v) {
        if (v instanceof Map<?, ?> m) {
            java.util.TreeMap<String, Object> out = new java.util.TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), normalized(x)));
            return out;
        }
        return v instanceof Integer i ? (Object) i.longValue() : v;
    }

    @Test
    void defaultColumnNamesNeedNoColumnOptions() {
        Path plain = tmp.resolve("plain");
        spark.read().parquet(table.toString()).select(col("img_id").cast("int").as("sample_id"), col("y").as("label"),
                col("clip").as("embedding")).write().parquet(plain.toString());
        select("plain-emb", List.of("--embeddings", plain.toString()), "--method", "facility-location", "--fraction",
                "0.1", "--seed", "5");
        select("plain-scores", scores(), "--method", "facility-location", "--fraction", "0.1", "--seed", "5");
        assertSameRows("plain-scores", "plain-emb");
    }
}
