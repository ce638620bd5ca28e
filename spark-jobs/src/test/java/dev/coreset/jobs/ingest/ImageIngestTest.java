package dev.coreset.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.ImageFixtures;
import dev.coreset.jobs.ImageFixtures.Digit;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.image.ImageDecoder;
import dev.coreset.jobs.image.ImageDecoding;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ingest --format images and --image-column on PNG and JPEG files written from the digits fixture. */
class ImageIngestTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    private Dataset<Row> read(Path p) {
        Dataset<Row> df = spark.read().parquet(p.toString());
        SparkSchemas.check(Tables.SAMPLES, df.schema(), p.toString());
        return df;
    }

    /** Relative paths in the order ingest numbers them: class folder, then path. */
    private static List<String> inIngestOrder(List<String> files) {
        List<String> sorted = new ArrayList<>(files);
        sorted.sort((a, b) -> {
            int c = a.substring(0, a.indexOf('/')).compareTo(b.substring(0, b.indexOf('/')));
            return c != 0 ? c : a.compareTo(b);
        });
        return sorted;
    }

    private static void ok(CliRun run) {
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void classFolderTreeGivesSortedLabelsRelativeSourcesAndStableIds() throws Exception {
        List<Digit> digits = ImageFixtures.digits(120);
        Path dir = tmp.resolve("digits");
        List<String> files = ImageFixtures.writeTree(dir, digits, "png");
        Files.writeString(dir.resolve("zero/notes.txt"), "not an image: skipped");
        Path out = tmp.resolve("samples");
        CliRun run = CliRun.of("ingest", "--format", "images", "--input", dir.toString(), "--seed", "5",
                "--out", out.toString());
        ok(run);
        assertTrue(run.out().contains("ingested 120 samples, 10 classes, 64 features"), run.out());
        Dataset<Row> df = read(out);
        assertFalse(Arrays.asList(df.columns()).contains(Tables.FEATURES));

        // Ids are positions in (class name, relative path) order, as RawStager numbers IDX rows.
        List<String> sorted = inIngestOrder(files);
        Map<String, Digit> byFile = new HashMap<>();
        for (int i = 0; i < digits.size(); i++) {
            byFile.put(files.get(i), digits.get(i));
        }
        for (Row r : df.collectAsList()) {
            String source = r.getAs(Tables.SOURCE);
            Digit d = byFile.get(source);
            assertNotNull(d, source);
            assertEquals(RawStager.sampleId(0, sorted.indexOf(source)), (long) r.getAs(Tables.SAMPLE_ID), source);
            assertEquals(ImageFixtures.label(d.digit()), (int) r.getAs(Tables.LABEL), source);
            assertArrayEquals(Files.readAllBytes(dir.resolve(source)), (byte[]) r.getAs(Tables.IMAGE), "kept encoded");
        }
        long val = 0;
        for (int c = 0; c < 10; c++) {
            int digit = c;
            val += Math.round(0.1 * digits.stream().filter(d -> d.digit() == digit).count());
        }
        assertEquals(val, df.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_VAL)).count(), "round(0.1 n_c) per class");

        TableInfo info = Json.read(new org.apache.hadoop.fs.Path(out.toString(), TableInfo.FILE_NAME), TableInfo.class,
                new Configuration());
        assertEquals(ImageFixtures.WORDS.stream().sorted().toList(), info.summary.get("classNames"));
        SamplesTableInfo table = SamplesTableInfo.read(out.toString(), new Configuration());
        assertEquals(new ImageDecoding(1, 8, 8, List.of(0.0), List.of(1.0)), table.image());
        assertEquals(64, table.featureDim());

        // The same tree again: the same ids, labels and splits.
        Path again = tmp.resolve("again");
        ok(CliRun.of("ingest", "--format", "images", "--input", dir.toString(), "--seed", "5", "--out", again.toString()));
        Dataset<Row> a = df.select(Tables.SAMPLE_ID, Tables.LABEL, Tables.SPLIT, Tables.SOURCE);
        Dataset<Row> b = read(again).select(Tables.SAMPLE_ID, Tables.LABEL, Tables.SPLIT, Tables.SOURCE);
        assertEquals(0, a.except(b).count());
        assertEquals(0, b.except(a).count());
    }

    @Test
    void trainAndTestFoldersOfJpegsWithDecodingOptions() throws Exception {
        List<Digit> digits = ImageFixtures.digits(100);
        Path dir = tmp.resolve("split");
        ImageFixtures.writeTree(dir.resolve("train"), digits.subList(0, 80), "jpg");
        List<String> test = ImageFixtures.writeTree(dir.resolve("test"), digits.subList(80, 100), "jpeg");
        Path out = tmp.resolve("samples");
        ok(CliRun.of("ingest", "--format", "images", "--input", dir.toString(), "--image-size", "12,10",
                "--channels", "rgb", "--mean", "0.5", "--std", "0.25,0.5,1", "--out", out.toString()));
        Dataset<Row> df = read(out);
        Dataset<Row> testRows = df.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TEST));
        assertEquals(20, testRows.count());
        assertEquals(80, df.filter(col(Tables.SPLIT).notEqual(Tables.SPLIT_TEST)).count());
        for (Row r : testRows.collectAsList()) {
            String source = r.getAs(Tables.SOURCE);
            assertTrue(source.startsWith("test/") && test.contains(source.substring(5)), source);
            assertEquals(1L << RawStager.ID_SHIFT, (long) r.getAs(Tables.SAMPLE_ID) & (1L << RawStager.ID_SHIFT));
        }
        SamplesTableInfo info = SamplesTableInfo.read(out.toString(), new Configuration());
        ImageDecoding decoding = new ImageDecoding(3, 12, 10, List.of(0.5), List.of(0.25, 0.5, 1.0));
        assertEquals(decoding, info.image());
        assertEquals(360, info.featureDim());
        // Decoding is deterministic and follows the recorded settings: gray repeated in R, G, B, then normalised.
        byte[] jpeg = (byte[]) df.orderBy(Tables.SAMPLE_ID).first().getAs(Tables.IMAGE);
        float[] x = new ImageDecoder(decoding).decode(jpeg);
        assertArrayEquals(x, new ImageDecoder(decoding).decode(jpeg));
        for (int i = 0; i < 120; i++) {
            assertEquals((x[i] * 0.25f + 0.5f), x[240 + i] * 1f + 0.5f, 1e-5, "channels differ only by their std");
        }
        // The colour table end to end: a CNN over (3, 12, 10) trains on it and its checkpoints score every row.
        Path cnn = tmp.resolve("cnn-rgb");
        ok(CliRun.of("train", "--samples", out.toString(), "--model", "cnn", "--epochs", "1", "--batch-size", "32",
                "--seed", "1", "--out", cnn.toString()));
        assertEquals(List.of(3, 12, 10),
                dev.coreset.scoring.model.Checkpoints.readInfo(dev.coreset.scoring.model.Checkpoints.list(cnn).get(1))
                        .spec().inputShape());
        Path scores = tmp.resolve("scores-rgb");
        ok(CliRun.of("score", "--samples", out.toString(), "--checkpoints", cnn.toString(), "--out", scores.toString()));
        assertEquals(200L, spark.read().parquet(scores.toString()).count(), "100 images x checkpoints 0 and 1");
    }

    @Test
    void parquetImageColumnBinaryOrHuggingFaceStruct() throws Exception {
        List<Digit> digits = ImageFixtures.digits(60);
        List<Row> rows = new ArrayList<>();
        for (Digit d : digits) {
            byte[] png = ImageFixtures.encode(d, "png");
            rows.add(RowFactory.create((long) d.index() * 3, d.digit(), png,
                    RowFactory.create(png, "img/" + d.fileName("png"))));
        }
        StructType hf = new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType);
        StructType schema = new StructType().add("id", DataTypes.LongType).add("y", DataTypes.IntegerType)
                .add("png", DataTypes.BinaryType).add("image", hf);
        Path in = tmp.resolve("in.parquet");
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(in.toString());

        for (String column : List.of("png", "image")) {
            Path out = tmp.resolve("from-" + column);
            ok(CliRun.of("ingest", "--format", "parquet", "--input", in.toString(), "--label-column", "y",
                    "--id-column", "id", "--image-column", column, "--out", out.toString()));
            Dataset<Row> df = read(out);
            assertEquals(60, df.count());
            for (Row r : df.collectAsList()) {
                Digit d = digits.get((int) ((long) r.getAs(Tables.SAMPLE_ID) / 3));
                assertEquals(d.digit(), (int) r.getAs(Tables.LABEL));
                assertArrayEquals(d.floats(), new ImageDecoder(SamplesTableInfo.read(out.toString(),
                        new Configuration()).image()).decode(r.getAs(Tables.IMAGE)));
                String source = r.getAs(Tables.SOURCE);
                if (column.equals("image")) {
                    assertEquals("img/" + d.fileName("png"), source, "the struct's path names the image");
                } else {
                    assertTrue(source.endsWith(".parquet"), source);
                }
            }
        }
    }

    @Test
    void corruptImageIsRefusedOrSkippedAndCounted() throws Exception {
        List<Digit> digits = ImageFixtures.digits(50);
        Path dir = tmp.resolve("digits");
        List<String> files = ImageFixtures.writeTree(dir, digits, "png");
        Path bad = dir.resolve(files.get(7));
        byte[] png = Files.readAllBytes(bad);
        Files.write(bad, Arrays.copyOf(png, png.length / 2)); // truncated
        Files.writeString(dir.resolve(files.get(9)), "not a png at all");

        Path out = tmp.resolve("refused");
        Refusals.assertRefused(out, PipelineFixture.get().samples,
                List.of("ingest", "--format", "images", "--input", dir.toString(), "--out", out.toString()),
                dir + "/" + inIngestOrder(List.of(files.get(7), files.get(9))).get(0) + ": not a decodable image", "1 more undecodable", "--skip-bad-images");

        Path skipped = tmp.resolve("skipped");
        CliRun run = CliRun.of("ingest", "--format", "images", "--input", dir.toString(), "--skip-bad-images",
                "--out", skipped.toString());
        ok(run);
        assertTrue(run.out().contains("skipped 2 undecodable images"), run.out());
        assertTrue(run.out().contains("ingested 48 samples"), run.out());
        Dataset<Row> df = read(skipped);
        assertEquals(0, df.filter(col(Tables.SOURCE).isin(files.get(7), files.get(9))).count());
        TableInfo info = Json.read(new org.apache.hadoop.fs.Path(skipped.toString(), TableInfo.FILE_NAME),
                TableInfo.class, new Configuration());
        assertEquals(2, ((Number) info.summary.get("skippedImages")).intValue());
    }

    @Test
    void undecodableParquetRowIsNamedByIdAndColumn() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (Digit d : ImageFixtures.digits(20)) {
            byte[] bytes = d.index() == 11 ? new byte[] {1, 2, 3} : ImageFixtures.encode(d, "png");
            rows.add(RowFactory.create((long) d.index(), d.digit(), bytes));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("y", DataTypes.IntegerType)
                .add("png", DataTypes.BinaryType);
        Path in = tmp.resolve("bad.parquet");
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(in.toString());
        Path out = tmp.resolve("out");
        Refusals.assertRefused(out, PipelineFixture.get().samples, List.of("ingest", "--format", "parquet", "--input",
                in.toString(), "--label-column", "y", "--id-column", "id", "--image-column", "png", "--out",
                out.toString()), in.toString(), "sample_id 11", "column 'png'", "not a decodable image");
    }

    @Test
    void imageOptionsNeedImages() {
        Path out = tmp.resolve("out");
        Refusals.assertRefused(out, PipelineFixture.get().samples, List.of("ingest", "--format", "csv", "--input",
                PipelineFixture.get().csv.toString(), "--label-column", "-1", "--image-size", "8,8", "--out",
                out.toString()), "--image-size", "--format images");
    }
}
