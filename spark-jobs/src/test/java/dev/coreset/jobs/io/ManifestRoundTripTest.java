package dev.coreset.jobs.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest written by Spark reads back identically through the Spark-free ManifestReader and the CLI. */
class ManifestRoundTripTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    private Dataset<Row> selected() {
        return spark.sql("SELECT id * 3 AS sample_id, CAST(id % 3 AS INT) AS label, CAST(id + 1 AS DOUBLE) AS weight, "
                + "IF(id = 2, NULL, id / 10.0D) AS score, CAST(id / 3 AS INT) AS rank FROM range(12)");
    }

    private ManifestMetadata meta() {
        ManifestMetadata meta = new ManifestMetadata();
        meta.method = "random";
        meta.seed = 5;
        meta.parameters.put("fraction", 0.1);
        meta.source.path = "/data/samples";
        meta.source.rows = 120;
        meta.source.fingerprint = Fingerprint.empty().add(1, 1).hashHex();
        return meta;
    }

    @Test
    void sparkWrittenManifestReadsBackWithoutSpark() {
        Path out = tmp.resolve("manifest");
        new ManifestWriter(spark).write(selected(), meta(), out.toString(), false);
        assertTrue(Files.exists(out.resolve("_SUCCESS")));

        ManifestReader reader = ManifestReader.open(out.toString());
        assertEquals(12, reader.metadata().budget.total);
        assertEquals(4L, reader.metadata().budget.perClass.get("2"));
        assertEquals(0.1, reader.metadata().parameters.get("fraction"));
        ManifestReader.Summary s = reader.validate();
        assertEquals(12, s.rows());
        assertEquals(78.0, s.weightSum(), 1e-9);
        List<long[]> rows = new ArrayList<>();
        reader.forEach((id, label, weight) -> rows.add(new long[] {id, label, (long) weight}));
        // Sorted by (label, rank): class 0 first, ids 0, 9, 18, 27.
        assertArrayEquals(new long[] {0, 0, 1}, rows.get(0));
        assertArrayEquals(new long[] {9, 0, 4}, rows.get(1));

        Dataset<Row> back = spark.read().parquet(out.toString());
        SparkSchemas.check(Tables.MANIFEST, back.schema(), out.toString());
        assertEquals(1, back.filter("score IS NULL").count());

        CliRun validate = CliRun.of("manifest", "validate", out.toString());
        assertEquals(0, validate.exitCode(), validate.err());
        assertTrue(validate.out().contains("valid manifest, 12 rows, 3 classes"), validate.out());
        CliRun inspect = CliRun.of("manifest", "inspect", out.toString());
        assertEquals(0, inspect.exitCode(), inspect.err());
        assertTrue(inspect.out().contains("\"method\" : \"random\""), inspect.out());
    }

    @Test
    void validateRefusesPartialManifestWithExitCode2() throws Exception {
        Path out = tmp.resolve("manifest");
        new ManifestWriter(spark).write(selected(), meta(), out.toString(), false);
        Files.delete(out.resolve("_SUCCESS"));
        CliRun run = CliRun.of("manifest", "validate", out.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("incomplete manifest"), run.errorLine());
    }

    @Test
    void fingerprintMatchesSparkFreeComputation() {
        Dataset<Row> df = selected().repartition(3);
        Fingerprint expected = Fingerprint.empty();
        for (Row r : df.collectAsList()) {
            expected = expected.add(r.getLong(0), r.getInt(1));
        }
        assertEquals(expected, Fingerprints.of(df));
    }
}
