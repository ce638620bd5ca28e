package dev.coreset.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.TableInfo;
import dev.coreset.scoring.TinyTextReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text samples: a Parquet table of token ids (ragged, with a length column cutting padding) ingested with
 * --tokens-column and scored by a TorchScript text model fed int64 [N, L]; losses against a direct computation.
 */
class TokensScoreTest {
    static final int V = 9;
    static final int D = 3;
    static final int C = 4;
    static final int ROWS = 48;

    @TempDir
    static Path tmp;
    private static Path samples;
    private static final Map<Long, int[]> TOKENS = new HashMap<>();
    private static TinyTextReference text;
    private static Path model;
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void setUp() throws Exception {
        SparkSession spark = SparkTestSession.get();
        SplittableRandom r = new SplittableRandom(21);
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < ROWS; id++) {
            int length = 1 + r.nextInt(6);
            List<Integer> stored = new ArrayList<>();
            int[] kept = new int[length];
            for (int t = 0; t < length; t++) {
                kept[t] = 1 + r.nextInt(V - 1);
                stored.add(kept[t]);
            }
            for (int t = length; t < 6; t++) {
                stored.add(V - 1); // padding past the length column, which ingest drops
            }
            TOKENS.put(1000 + id, kept);
            rows.add(RowFactory.create(1000 + id, (int) (id % C), stored, length));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("y", DataTypes.IntegerType)
                .add("input_ids", DataTypes.createArrayType(DataTypes.IntegerType)).add("n", DataTypes.IntegerType);
        Path parquet = tmp.resolve("text.parquet");
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet.toString());
        samples = tmp.resolve("samples");
        CliRun ingest = CliRun.of("ingest", "--format", "parquet", "--input", parquet.toString(), "--id-column", "id",
                "--label-column", "y", "--tokens-column", "input_ids", "--length-column", "n", "--out", samples.toString());
        assertEquals(0, ingest.exitCode(), ingest.err());

        text = TinyTextReference.sixtyFourths(r, V, D, C);
        model = text.write(tmp.resolve("text.pt"));
    }

    @Test
    void tokenIdsAreKeptAsIntsCutAtTheirLengthAndScoredAsInt64() throws Exception {
        var table = spark.read().parquet(samples.toString());
        assertEquals("array<int>", table.schema().apply("tokens").dataType().simpleString());
        assertFalse(List.of(table.columns()).contains("features"));
        TableInfo info = Json.MAPPER.readValue(samples.resolve(TableInfo.FILE_NAME).toFile(), TableInfo.class);
        int longest = TOKENS.values().stream().mapToInt(t -> t.length).max().orElseThrow();
        assertEquals(Map.of("length", longest, "padId", 0), info.summary.get("tokens"));
        for (Row row : table.select("sample_id", "tokens").collectAsList()) {
            List<Integer> ids = row.getList(1);
            assertEquals(TOKENS.get(row.getLong(0)).length, ids.size(), "padding past the length column dropped");
        }

        Path out = tmp.resolve("scores");
        CliRun score = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", model.toString(),
                "--out", out.toString());
        assertEquals(0, score.exitCode(), score.err());
        List<Row> scored = spark.read().parquet(out.toString()).select("sample_id", "label", "loss").collectAsList();
        assertEquals(ROWS, scored.size());
        for (Row row : scored) {
            int[] ids = java.util.Arrays.copyOf(TOKENS.get(row.getLong(0)), longest); // padded with id 0
            assertEquals(text.loss(ids, row.getInt(1)), row.getFloat(2), 1e-5, "loss of " + row.getLong(0));
        }
    }

    @Test
    void textTablesRefuseWhatCannotReadThemInOneLine() throws Exception {
        Path out = tmp.resolve("refused");
        Path run = tmp.resolve("run");
        CliRun train = CliRun.of("train", "--samples", samples.toString(), "--model", "mlp", "--epochs", "1",
                "--out", run.toString());
        assertEquals(2, train.exitCode());
        assertTrue(train.errorLine().contains("holds token ids (text); coreset train builds MLPs and CNNs"),
                train.errorLine());
        assertFalse(Files.exists(run));

        Path parquet = tmp.resolve("text.parquet");
        CliRun floats = CliRun.of("ingest", "--format", "parquet", "--input", parquet.toString(), "--label-column", "y",
                "--tokens-column", "y", "--out", out.toString());
        assertEquals(2, floats.exitCode());
        assertTrue(floats.errorLine().contains("tokens column 'y' has type int; --tokens-column takes an array of"
                + " integer token ids"), floats.errorLine());
        CliRun length = CliRun.of("ingest", "--format", "parquet", "--input", parquet.toString(), "--label-column", "y",
                "--tokens-column", "input_ids", "--length-column", "size", "--out", out.toString());
        assertEquals(2, length.exitCode());
        assertTrue(length.errorLine().contains("no column 'size'"), length.errorLine());
        assertFalse(Files.exists(out), "nothing written");
    }
}
