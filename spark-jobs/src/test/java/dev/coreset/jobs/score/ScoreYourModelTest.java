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
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained elsewhere, as a user brings it: a TorchScript network that takes images [N, 1, 8, 8] (the digits'
 * 64 pixels), saved once per epoch, passed as a folder, a glob, a file:// URI or a URI on another file system.
 */
class ScoreYourModelTest {
    @TempDir
    static Path tmp;
    private static Path samples;
    private static Path epochs;
    private static final int[] EPOCHS = {1, 2, 10};
    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void setUp() throws Exception {
        samples = tmp.resolve("samples");
        CliRun ingest = CliRun.of("ingest", "--format", "csv", "--input", Fixtures.digitsCsv(tmp).toString(),
                "--label-column", "-1", "--out", samples.toString());
        assertEquals(0, ingest.exitCode(), ingest.err());
        epochs = Files.createDirectories(tmp.resolve("ckpts"));
        for (int e : EPOCHS) {
            TinyTorchScript.writeImageInput(epochs.resolve("epoch-" + e + ".pt"), reference(e));
        }
    }

    private static TinyMlpReference reference(int epoch) {
        return TinyMlpReference.sixtyFourths(100 + epoch, 64, 6, 10);
    }

    @Test
    void aModelThatTakesImagesIsRefusedFlatRowsInOneLineAndScoredWithItsShape() throws Exception {
        Path model = epochs.resolve("epoch-2.pt");
        Path out = tmp.resolve("flat");
        CliRun flat = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", model.toString(),
                "--out", out.toString());
        assertEquals(2, flat.exitCode(), flat.err());
        assertTrue(flat.errorLine().contains(model + ": the model refused an input of shape [1, 64]"), flat.errorLine());
        assertTrue(flat.errorLine().contains("--input-shape"), flat.errorLine());
        assertEquals(0, flat.err().lines().filter(l -> l.trim().startsWith("at ")).count(), "no stack trace: " + flat.err());
        assertFalse(Files.exists(out), "nothing written");

        CliRun wrongSize = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", model.toString(),
                "--input-shape", "1,28,28", "--out", out.toString());
        assertEquals(2, wrongSize.exitCode());
        assertTrue(wrongSize.errorLine().contains("--input-shape 1,28,28 holds 784 values per sample but"),
                wrongSize.errorLine());

        CliRun shaped = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", model.toString(),
                "--input-shape", "1,8,8", "--out", out.toString());
        assertEquals(0, shaped.exitCode(), shaped.err());
        assertLossesMatch(out, Map.of(0, reference(2)));
    }

    @Test
    void perEpochFilesAreCheckpointsInTheirNumbersOrderAndCldRunsOnThem() throws Exception {
        Path out = tmp.resolve("folder");
        CliRun folder = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", epochs.toString(),
                "--input-shape", "1,8,8", "--out", out.toString());
        assertEquals(0, folder.exitCode(), folder.err());
        assertTrue(folder.out().contains("3 checkpoints"), folder.out());
        Map<Integer, TinyMlpReference> byCheckpoint = new TreeMap<>();
        for (int e : EPOCHS) {
            byCheckpoint.put(e, reference(e));
        }
        assertLossesMatch(out, byCheckpoint);
        var info = dev.coreset.schemas.Json.MAPPER.readValue(
                out.resolve(dev.coreset.schemas.TableInfo.FILE_NAME).toFile(), dev.coreset.schemas.TableInfo.class);
        Object order = info.summary.get("checkpoints");
        assertEquals(List.of(1, 2, 10), order, "epoch-2 before epoch-10");

        Path globbed = tmp.resolve("globbed");
        CliRun glob = CliRun.of("score", "--samples", samples.toString(), "--checkpoints",
                epochs.resolve("epoch-*.pt").toString(), "--input-shape", "1,8,8", "--epochs", "2,10",
                "--out", globbed.toString());
        assertEquals(0, glob.exitCode(), glob.err());
        assertLossesMatch(globbed, Map.of(2, reference(2), 10, reference(10)));

        Path cld = tmp.resolve("cld");
        CliRun run = CliRun.of("cld", "--scores", out.toString(), "--fraction", "0.1", "--out", cld.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(spark.read().parquet(cld.toString()).count() > 0);
    }

    @Test
    void globAndFolderMistakesAreOneLine() throws Exception {
        Path out = tmp.resolve("none");
        CliRun nothing = CliRun.of("score", "--samples", samples.toString(), "--checkpoints",
                tmp.resolve("ckpts/model-*.pt").toString(), "--input-shape", "1,8,8", "--out", out.toString());
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.errorLine().contains("matches no TorchScript (.pt) or ONNX (.onnx) file"), nothing.errorLine());

        Path unnumbered = Files.createDirectories(tmp.resolve("unnumbered"));
        TinyTorchScript.writeImageInput(unnumbered.resolve("first.pt"), reference(1));
        TinyTorchScript.writeImageInput(unnumbered.resolve("second.pt"), reference(2));
        CliRun names = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", unnumbered.toString(),
                "--input-shape", "1,8,8", "--out", out.toString());
        assertEquals(2, names.exitCode());
        assertTrue(names.errorLine().contains("has no number in its name"), names.errorLine());

        Path twice = Files.createDirectories(tmp.resolve("twice"));
        TinyTorchScript.writeImageInput(twice.resolve("epoch-3.pt"), reference(1));
        TinyTorchScript.writeImageInput(twice.resolve("epoch-003.pt"), reference(2));
        CliRun same = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", twice.toString(),
                "--input-shape", "1,8,8", "--out", out.toString());
        assertEquals(2, same.exitCode());
        assertTrue(same.errorLine().contains("both give checkpoint 3"), same.errorLine());

        CliRun badShape = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", epochs.toString(),
                "--input-shape", "1,x,8", "--out", out.toString());
        assertEquals(2, badShape.exitCode());
        assertTrue(badShape.errorLine().contains("'x' is not a positive size"), badShape.errorLine());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void aModelAtAFileUriOrOnAnotherFileSystemScoresAsAtAPlainPath() throws Exception {
        Path model = epochs.resolve("epoch-10.pt");
        Path plain = tmp.resolve("plain");
        assertEquals(0, CliRun.of("score", "--samples", samples.toString(), "--checkpoints", model.toString(),
                "--input-shape", "1,8,8", "--out", plain.toString()).exitCode());
        Path uri = tmp.resolve("uri");
        CliRun fileUri = CliRun.of("score", "--samples", samples.toString(), "--checkpoints", model.toUri().toString(),
                "--input-shape", "1,8,8", "--out", uri.toString());
        assertEquals(0, fileUri.exitCode(), fileUri.err());
        assertEquals(losses(plain), losses(uri));

        ElsewhereFileSystem.register(spark.sparkContext().hadoopConfiguration());
        Path cache = tmp.resolve("model-cache");
        System.setProperty(ModelLocalCopy.CACHE_DIR_PROPERTY, cache.toString());
        try {
            Path remote = tmp.resolve("remote");
            CliRun elsewhere = CliRun.of("score", "--samples", samples.toString(), "--checkpoints",
                    ElsewhereFileSystem.SCHEME + "://" + model, "--input-shape", "1,8,8", "--out", remote.toString());
            assertEquals(0, elsewhere.exitCode(), elsewhere.err());
            assertEquals(losses(plain), losses(remote));
            try (var copies = Files.walk(cache)) {
                assertEquals(1, copies.filter(p -> p.getFileName().toString().equals("epoch-10.pt")).count(),
                        "one local copy, made once for the driver and the executor of this JVM");
            }
        } finally {
            System.clearProperty(ModelLocalCopy.CACHE_DIR_PROPERTY);
        }
    }

    private Map<Long, Float> losses(Path scores) {
        Map<Long, Float> out = new TreeMap<>();
        for (Row r : spark.read().parquet(scores.toString()).select("sample_id", "loss").collectAsList()) {
            out.put(r.getLong(0), r.getFloat(1));
        }
        return out;
    }

    /** Every checkpoint's rows are there, and a sample of losses equals the reference network of that epoch. */
    private void assertLossesMatch(Path scores, Map<Integer, TinyMlpReference> byCheckpoint) {
        var table = spark.read().parquet(scores.toString());
        assertEquals(byCheckpoint.keySet(), new java.util.TreeSet<>(table.select("checkpoint").distinct()
                .collectAsList().stream().map(r -> r.getInt(0)).toList()));
        List<Row> rows = table.join(spark.read().parquet(samples.toString()).select("sample_id", "features"), "sample_id")
                .filter(col("sample_id").lt(30)).collectAsList();
        assertEquals(30L * byCheckpoint.size(), rows.size());
        for (Row r : rows) {
            List<Float> f = r.getList(r.fieldIndex("features"));
            float[] x = new float[f.size()];
            for (int j = 0; j < x.length; j++) {
                x[j] = f.get(j);
            }
            TinyMlpReference ref = byCheckpoint.get(r.<Integer>getAs("checkpoint"));
            double expected = ref.loss(x, 0, r.<Integer>getAs("label"));
            assertEquals(expected, r.<Float>getAs("loss"), 1e-4 * (1 + Math.abs(expected)), "loss of " + r.getAs("sample_id"));
        }
    }
}
