package dev.coreset.jobs.score;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.ImageFixtures;
import dev.coreset.jobs.ImageFixtures.Digit;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.train.SamplesRowSource;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.schemas.SamplesReader;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.train.LabeledRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table of PNG digits against a float table of the same pixels (byte / 255, what the decoder gives), same ids:
 * the score job's decoded rows score as the floats do, the trainer's reader gives the same floats, and the CNN
 * trains and scores on the image table.
 */
class ImageScoreTest {
    @TempDir
    static Path tmp;

    private static final int ROWS = 300;
    private final SparkSession spark = SparkTestSession.get();
    private static Path images;
    private static Path floats;
    private static Path run;
    private static Map<Long, float[]> pixelsById;

    private static void ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r.err());
    }

    @BeforeAll
    static void tables() throws Exception {
        SparkSession spark = SparkTestSession.get();
        List<Digit> digits = ImageFixtures.digits(ROWS);
        Path dir = tmp.resolve("png");
        List<String> files = ImageFixtures.writeTree(dir, digits, "png");
        images = tmp.resolve("images");
        ok("ingest", "--format", "images", "--input", dir.toString(), "--seed", "5", "--out", images.toString());

        // The float table: the same ids and labels, features = the quantised pixels / 255.
        Map<String, Digit> byFile = new HashMap<>();
        for (int i = 0; i < digits.size(); i++) {
            byFile.put(files.get(i), digits.get(i));
        }
        pixelsById = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        for (Row r : spark.read().parquet(images.toString()).select(Tables.SAMPLE_ID, Tables.LABEL, Tables.SOURCE)
                .collectAsList()) {
            float[] x = byFile.get(r.getString(2)).floats();
            pixelsById.put(r.getLong(0), x);
            rows.add(RowFactory.create(r.getLong(0), r.getInt(1), x));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("y", DataTypes.IntegerType)
                .add("x", DataTypes.createArrayType(DataTypes.FloatType));
        Path in = tmp.resolve("floats.parquet");
        spark.createDataFrame(rows, schema).coalesce(2).write().parquet(in.toString());
        floats = tmp.resolve("floats");
        ok("ingest", "--format", "parquet", "--input", in.toString(), "--label-column", "y", "--features-column", "x",
                "--id-column", "id", "--seed", "5", "--out", floats.toString());
        run = tmp.resolve("run");
        ok("train", "--samples", floats.toString(), "--model", "mlp", "--hidden", "16", "--epochs", "2",
                "--batch-size", "64", "--seed", "3", "--out", run.toString());
    }

    @Test
    void pngTableScoresEqualTheFloatTable() {
        Path fromImages = tmp.resolve("scores-images");
        Path fromFloats = tmp.resolve("scores-floats");
        ok("score", "--samples", images.toString(), "--checkpoints", run.toString(), "--embedding", "logits-grad",
                "--out", fromImages.toString());
        ok("score", "--samples", floats.toString(), "--checkpoints", run.toString(), "--embedding", "logits-grad",
                "--out", fromFloats.toString());
        Dataset<Row> a = spark.read().parquet(fromImages.toString()).alias("a");
        Dataset<Row> b = spark.read().parquet(fromFloats.toString()).alias("b");
        assertEquals(ROWS * 3L, a.count(), "every sample at 3 checkpoints");
        Dataset<Row> joined = a.join(b, a.col(Tables.SAMPLE_ID).equalTo(b.col(Tables.SAMPLE_ID))
                .and(a.col(Tables.CHECKPOINT).equalTo(b.col(Tables.CHECKPOINT))));
        assertEquals(ROWS * 3L, joined.count());
        assertEquals(0, joined.filter(col("a.split").notEqual(col("b.split"))
                .or(col("a.correct").notEqual(col("b.correct")))).count(), "same splits and predictions");
        Row diff = joined.agg(max(abs(col("a.loss").minus(col("b.loss")))),
                max(abs(col("a.margin").minus(col("b.margin")))), max(abs(col("a.el2n").minus(col("b.el2n"))))).first();
        for (int i = 0; i < 3; i++) {
            assertTrue(diff.getFloat(i) <= 1e-5, "max |difference| " + diff);
        }
    }

    @Test
    void trainerReaderDecodesThePixels() {
        Configuration conf = new Configuration();
        SamplesRowSource source = new SamplesRowSource(new SamplesReader(images.toString(), Set.of(), conf),
                SamplesTableInfo.read(images.toString(), conf).image(), images.toString());
        int seen = 0;
        try (var it = source.open(0)) {
            while (it.hasNext()) {
                LabeledRow r = it.next();
                assertArrayEquals(pixelsById.get(r.id()), r.features(), "sample " + r.id());
                seen++;
            }
        }
        assertEquals(ROWS, seen);
    }

    @Test
    void cnnTrainsAndScoresOnTheImageTable() {
        Path cnn = tmp.resolve("cnn");
        ok("train", "--samples", images.toString(), "--model", "cnn", "--epochs", "1", "--batch-size", "64",
                "--seed", "1", "--out", cnn.toString());
        assertEquals(List.of(1, 8, 8), Checkpoints.readInfo(Checkpoints.list(cnn).get(1)).spec().inputShape());
        Path scores = tmp.resolve("scores-cnn");
        ok("score", "--samples", images.toString(), "--checkpoints", cnn.toString(), "--out", scores.toString());
        assertEquals(ROWS * 2L, spark.read().parquet(scores.toString()).count());
    }
}
